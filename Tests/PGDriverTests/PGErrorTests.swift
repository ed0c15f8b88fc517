import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

@Suite("PGDriver errors")
struct PGErrorTests {
    @Test("a wrong password is authenticationFailed, and no error text contains the password")
    func wrongPassword() throws {
        var configuration = try TestDatabase.server().configuration()
        let wrong = "Wrong-Password-\(UUID().uuidString)"
        configuration.password = Secret(wrong)
        let error = try #require(databaseError { _ = try PGDriver.connect(configuration) })
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("password authentication failed"))
        let right = try TestDatabase.server().superuserPassword.revealed
        for text in [error.description, error.debugDescription, "\(error)", String(reflecting: error)] {
            #expect(!text.contains(wrong))
            #expect(!text.contains(right))
        }
        configuration.user = "no_such_role_\(UInt32.random(in: 0...UInt32.max))"
        #expect(databaseError { _ = try PGDriver.connect(configuration) }?.kind == .authenticationFailed)
    }

    @Test("a closed port is connectionFailed")
    func refused() throws {
        var configuration = try TestDatabase.server().configuration()
        configuration.port = try ThrowawayPostgres.unusedPort()
        configuration.connectRetry = .none  // refused is transient (08001); one attempt keeps the test quick
        let error = try #require(databaseError { _ = try PGDriver.connect(configuration) })
        #expect(error.kind == .connectionFailed)
        #expect(error.code == .sqlState("08001"))
        #expect(error.message.contains("refused") || error.message.contains("connect"))
        configuration.backend = .sqlServer
        #expect(databaseError { _ = try PGDriver.connect(configuration) }?.kind == .invalidConfiguration)
    }

    @Test("a server stopped mid-session gives connectionLost")
    func serverStopped() throws {
        let server = try ThrowawayPostgres.start()
        defer { server.stop() }
        let connection = try PGDriver.connect(server.configuration())
        defer { connection.close() }
        #expect(try connection.scalar("SELECT 1") == .int(1))
        #expect(connection.isAlive)
        server.stop()
        let error = try #require(databaseError { try connection.run("SELECT 1") })
        #expect(error.kind == .connectionLost)
        #expect(!connection.isAlive)
        #expect(databaseError { try connection.ping() }?.kind == .connectionLost)
    }

    @Test("constraint violations, syntax errors, undefined objects, division by zero")
    func serverErrors() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let parent = TestDatabase.uniqueName("parent")
        let child = TestDatabase.uniqueName("child")
        try connection.run("CREATE TABLE \(parent) (id int PRIMARY KEY)")
        try connection.run(
            "CREATE TABLE \(child) (id int PRIMARY KEY, parent_id int REFERENCES \(parent), name text NOT NULL, qty int CHECK (qty >= 0))"
        )
        try connection.run("INSERT INTO \(parent) VALUES (1)")
        try connection.run("INSERT INTO \(child) VALUES (1, 1, 'a', 1)")

        let cursor = try connection.makeCursor()
        let duplicate = try #require(
            databaseError { try cursor.execute("INSERT INTO \(child) VALUES (%s, 1, 'b', 1)", [1]) })
        #expect(duplicate.kind == .uniqueViolation)
        #expect(duplicate.code == .sqlState("23505"))
        #expect(duplicate.table == child)
        #expect(duplicate.constraint == "\(child)_pkey")
        #expect(duplicate.detail?.contains("already exists") == true)
        #expect(duplicate.statement == "INSERT INTO \(child) VALUES ($1, 1, 'b', 1)")
        #expect(
            databaseError { try connection.run("INSERT INTO \(child) VALUES (2, 99, 'b', 1)") }?.kind
                == .foreignKeyViolation)
        let notNull = databaseError { try connection.run("INSERT INTO \(child) VALUES (3, 1, NULL, 1)") }
        #expect(notNull?.kind == .notNullViolation)
        #expect(notNull?.column == "name")
        #expect(
            databaseError { try connection.run("INSERT INTO \(child) VALUES (4, 1, 'c', -1)") }?.kind == .checkViolation
        )
        let syntax = databaseError { try connection.run("SELEC 1") }
        #expect(syntax?.kind == .syntaxError)
        #expect(syntax?.line == 1)
        #expect(databaseError { try connection.run("SELECT * FROM no_such_table_xyz") }?.kind == .undefinedTable)
        #expect(databaseError { try connection.run("SELECT no_such_column FROM \(parent)") }?.kind == .undefinedColumn)
        #expect(databaseError { try connection.run("SELECT 1/0") }?.kind == .dataException)
        #expect(databaseError { try connection.run("SELECT 'x'::int") }?.kind == .dataException)
        // The connection is still usable after every error.
        #expect(try connection.scalar("SELECT count(*) FROM \(child)") == .int(1))
        try connection.run("DROP TABLE \(child); DROP TABLE \(parent)")
    }

    @Test("statement timeout gives timeout; the connection stays usable")
    func statementTimeout() throws {
        let connection = try TestDatabase.connect(queryTimeout: 0.2)
        defer { connection.close() }
        let error = try #require(databaseError { try connection.run("SELECT pg_sleep(5)") })
        #expect(error.kind == .timeout)
        #expect(error.code == .sqlState("57014"))
        #expect(try connection.scalar("SELECT 41 + 1") == .int(42))
    }

    @Test("cancel() from another thread gives cancelled; the connection stays usable")
    func cancelFromAnotherThread() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let observer = try TestDatabase.connect()
        defer { observer.close() }
        let applicationName = TestDatabase.uniqueName("sleeper")
        try connection.run("SET application_name = '\(applicationName)'")
        let canceller = Thread {
            // Cancel once the statement is running on the server.
            for _ in 0..<500 {
                let running = try? observer.scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND query LIKE 'SELECT pg_sleep%%' AND state = 'active'",
                    [applicationName])
                if running == .int(1) { break }
                Thread.sleep(forTimeInterval: 0.01)
            }
            connection.cancel()
        }
        canceller.start()
        let error = try #require(databaseError { try connection.run("SELECT pg_sleep(5)") })
        #expect(error.kind == .cancelled)
        #expect(try connection.scalar("SELECT 'still here'") == .string("still here"))
    }

    @Test("a closed connection or cursor is reported, not crashed on")
    func closedUse() throws {
        let connection = try TestDatabase.connect()
        let cursor = try connection.makeCursor()
        #expect(databaseError { _ = try cursor.fetchOne() }?.kind == .misuse)
        cursor.close()
        #expect(databaseError { try cursor.execute("SELECT 1") }?.kind == .misuse)
        connection.close()
        connection.close()
        #expect(connection.isClosed)
        #expect(!connection.isAlive)
        #expect(databaseError { try connection.run("SELECT 1") }?.kind == .connectionLost)
        #expect(databaseError { try connection.commit() }?.kind == .connectionLost)
        connection.cancel()
    }
}
