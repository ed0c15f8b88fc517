import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

/// The fault findings of issue 11 on PostgreSQL: NUL bytes never reach libpq, error kinds follow the connection's
/// real state, a connect timeout is `.timeout`.
@Suite("PGDriver faults")
struct PGFaultTests {
    /// Each text field of a configuration, set to a value that is valid up to a NUL and different after it.
    static let fields: [(String, @Sendable (inout ConnectionConfiguration) -> Void)] = [
        ("host", { $0.host += "\0evil.example.com" }),
        ("database", { $0.database = ($0.database ?? "postgres") + "\0other" }),
        ("user", { $0.user = ($0.user ?? "postgres") + "\0other" }),
        ("password", { $0.password = Secret(($0.password?.revealed ?? "") + "\0Cut-Off-Part") }),
        ("application name", { $0.applicationName = "app\0other" }),
        ("TLS root certificate path", { $0.tlsRootCertificatePath = "/tmp/ca.pem\0.other" }),
        ("option 'target_session_attrs'", { $0.options["target_session_attrs"] = "any\0read-only" }),
    ]

    @Test(
        "a NUL in any connection field is invalidConfiguration naming the field, never the value",
        arguments: 0..<7)
    func nulInField(index: Int) throws {
        let (field, change) = Self.fields[index]
        var configuration = try TestDatabase.server().configuration()
        change(&configuration)
        let error = try #require(databaseError { _ = try PGDriver.connect(configuration) })
        #expect(error.kind == .invalidConfiguration)
        #expect(error.message.contains("the \(field) contains a NUL"))
        for text in [error.description, error.debugDescription, error.localizedDescription] {
            #expect(!text.contains("Cut-Off-Part"))
            #expect(!text.contains("\0"))
            #expect(!text.contains("other"))
        }
    }

    @Test("a password cut at a NUL would be right, and still the connect is refused")
    func nulPasswordNeverSignsIn() throws {
        var configuration = try TestDatabase.server().configuration()
        let right = try #require(configuration.password?.revealed)
        configuration.password = Secret(right + "\0anything")
        #expect(databaseError { _ = try PGDriver.connect(configuration) }?.kind == .invalidConfiguration)
        configuration.password = Secret(right)
        let connection = try PGDriver.connect(configuration)
        connection.close()
    }

    @Test("a NUL in SQL text is invalidParameters with its position; nothing runs and the connection stays usable")
    func nulInSQL() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("nul")
        try connection.run("CREATE TABLE \(table) (id int)")
        let error = try #require(
            databaseError { try connection.run("INSERT INTO \(table) VALUES (1)\0; DROP TABLE x") })
        #expect(error.kind == .invalidParameters)
        #expect(error.message.contains("at character \("INSERT INTO \(table) VALUES (1)".count + 1)"))
        let withParameters = databaseError {
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT %s\0", [1])
        }
        #expect(withParameters?.kind == .invalidParameters)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(0))
        #expect(connection.isAlive)
    }

    @Test("08P01 on a live connection is invalidParameters, and the connection keeps working")
    func protocolViolationOnLiveConnection() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let error = try #require(databaseError { try connection.run("SELECT $1::int") })
        #expect(error.code == .sqlState("08P01"))
        #expect(error.kind == .invalidParameters)
        #expect(connection.isAlive)
        #expect(try connection.scalar("SELECT 41 + 1") == .int(42))
    }

    @Test("a killed server is connectionLost, and the connection is no longer alive")
    func killedServer() throws {
        let server = try ThrowawayPostgres.start()
        defer { server.stop() }
        let connection = try PGDriver.connect(server.configuration())
        defer { connection.close() }
        #expect(try connection.scalar("SELECT 1") == .int(1))
        server.kill()
        let error = try #require(databaseError { try connection.run("SELECT 1") })
        #expect(error.kind == .connectionLost)
        #expect(!connection.isAlive)
        #expect(databaseError { try connection.run("SELECT 1") }?.kind == .connectionLost)
        #expect(!connection.isAlive)
    }

    @Test("a connect that times out is .timeout, as on SQL Server")
    func connectTimeout() throws {
        let listener = try SilentListener()
        defer { listener.close() }
        var configuration = ConnectionConfiguration(
            backend: .postgresql, host: "127.0.0.1", port: listener.port, user: "nobody", tls: .disable,
            connectTimeout: 2)
        configuration.connectRetry = .none
        let error = try #require(databaseError { _ = try PGDriver.connect(configuration) })
        #expect(error.kind == .timeout)
        #expect(error.code == .sqlState("08001"))
    }

    @Test("localizedDescription is the error's own description")
    func localizedDescription() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let error = try #require(databaseError { try connection.run("SELEC 1") })
        #expect(error.localizedDescription == error.description)
        #expect((error as NSError).localizedDescription.contains("syntaxError (SQLSTATE 42601)"))
    }
}
