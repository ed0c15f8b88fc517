import DBCore
import Foundation
import PGDriver
import Testing

@testable import ThrowawayServers

@Suite("ThrowawayPostgres")
struct ThrowawayPostgresTests {
    @Test("the shared cluster answers SQL through psql and can create databases")
    func sharedClusterAnswers() throws {
        let server = try ThrowawayPostgres.shared()
        #expect(server.isRunning)
        let answer = try server.runSQL("SELECT 40 + 2")
        #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == "42")
        let name = "throwaway_db_\(UInt32.random(in: 0...UInt32.max))"
        try server.createDatabase(named: name)
        let found = try server.runSQL("SELECT count(*) FROM pg_database WHERE datname = '\(name)'")
        #expect(found.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        try server.dropDatabase(named: name)
    }

    @Test("a cluster whose owning process ended without stopping it is stopped and deleted by its watchdog")
    func watchdogStopsOrphanedCluster() throws {
        let server = try ThrowawayPostgres.start()
        defer { server.stop() }
        let root = try #require(server.rootDirectory)
        let binDirectory = try #require(server.binDirectory)
        var configuration = server.configuration()
        configuration.connectRetry = .none
        try PGDriver.connect(configuration).close()
        // A stand-in owner that has already ended, as a crashed or killed test process would have.
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/sh")
        owner.arguments = ["-c", "exit 0"]
        try owner.run()
        owner.waitUntilExit()
        ThrowawayPostgres.startWatchdog(root: root, binDirectory: binDirectory, owner: owner.processIdentifier)
        let deadline = Date().addingTimeInterval(60)
        while FileManager.default.fileExists(atPath: root), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!FileManager.default.fileExists(atPath: root))
        #expect(throws: DatabaseError.self) { try PGDriver.connect(configuration) }
    }

    @Test("a separate cluster starts, reports failures with the command's output, and stop() deletes it")
    func separateClusterStopsAndDeletes() throws {
        let server = try ThrowawayPostgres.start()
        let root = try #require(server.rootDirectory)
        #expect(FileManager.default.fileExists(atPath: root))
        #expect(server.configuration().port == server.port)
        #expect(server.configuration().password == server.superuserPassword)
        do {
            try server.runSQL("SELEC 1")
            Issue.record("bad SQL through psql did not fail")
        } catch let error as ThrowawayServerError {
            #expect(error.description.contains("syntax error"))
            #expect(!error.description.contains(server.superuserPassword.revealed))
        }
        server.stop()
        server.stop()
        #expect(!server.isRunning)
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test("DBHOST describes an existing server that stop() leaves alone")
    func environmentDescribesExistingServer() throws {
        let server = try #require(
            ThrowawayPostgres.fromEnvironment([
                "DBHOST": "db.example.com", "DBPORT": "6543", "DBUSER": "app", "DBPASSWORD": "pw", "DBNAME": "shop",
                "SSLMODE": "verify-full",
            ]))
        #expect(server.isExternal)
        let configuration = server.configuration()
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.user == "app")
        #expect(configuration.database == "shop")
        #expect(configuration.tls == .verifyFull)
        server.stop()
        #expect(server.isRunning)
        #expect(ThrowawayPostgres.fromEnvironment([:]) == nil)
    }
}
