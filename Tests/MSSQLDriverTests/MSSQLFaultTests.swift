import DBCore
import Foundation
import MSSQLDriver
import TDSSandbox
import Testing
import ThrowawayServers

/// The fault findings of issue 11 on SQL Server: NUL bytes never reach DB-Library, error kinds follow DBDEAD, a
/// connect timeout is `.timeout`.
@Suite("MSSQLDriver faults")
struct MSSQLFaultTests {
    /// Each text field of a configuration, set to a value that is valid up to a NUL and different after it.
    static let fields: [(String, @Sendable (inout ConnectionConfiguration) -> Void)] = [
        ("host", { $0.host += "\0evil.example.com" }),
        ("instance name", { $0.instanceName = "MSSQL\0other" }),
        ("database", { $0.database = ($0.database ?? "master") + "\0other" }),
        ("user", { $0.user = ($0.user ?? "sa") + "\0other" }),
        ("password", { $0.password = Secret(($0.password?.revealed ?? "") + "\0Cut-Off-Part") }),
        ("application name", { $0.applicationName = "app\0other" }),
        ("TLS root certificate path", { $0.tlsRootCertificatePath = "/tmp/ca.pem\0.other" }),
        ("option 'tds_version'", { $0.options["tds_version"] = "7.4\0other" }),
    ]

    @Test(
        "a NUL in any connection field is invalidConfiguration naming the field, never the value",
        arguments: 0..<8)
    func nulInField(index: Int) throws {
        let (field, change) = Self.fields[index]
        var configuration = try RealSandbox.configuration()
        change(&configuration)
        let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
        #expect(error.kind == .invalidConfiguration)
        #expect(error.message.contains("the \(field) contains a NUL"))
        for text in [error.description, error.debugDescription, error.localizedDescription] {
            #expect(!text.contains("Cut-Off-Part"))
            #expect(!text.contains("\0"))
            #expect(!text.contains("other"))
        }
    }

    @Test("a password cut at a NUL would be right, and still the login is refused")
    func nulPasswordNeverSignsIn() throws {
        var configuration = try RealSandbox.configuration()
        let right = try #require(configuration.password?.revealed)
        configuration.password = Secret(right + "\0anything")
        #expect(databaseError { _ = try MSSQLConnection.connect(configuration) }?.kind == .invalidConfiguration)
        configuration.password = Secret(right)
        try MSSQLConnection.connect(configuration).close()
    }

    @Test("a NUL in SQL text is invalidParameters, in a batch and in sp_executesql; the connection stays usable")
    func nulInSQL() throws {
        let connection = try RealSandbox.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let batch = try #require(databaseError { try cursor.execute("SELECT 1\0; SELECT 2") })
        #expect(batch.kind == .invalidParameters)
        #expect(batch.message.contains("at character 9"))
        let rpc = try #require(databaseError { try cursor.execute("SELECT %s\0", [1]) })
        #expect(rpc.kind == .invalidParameters)
        try cursor.execute("SELECT 41 + 1")
        #expect(try cursor.fetchAll().first?[0] == .int(42))
        #expect(connection.isAlive)
    }

    @Test("a login that times out is .timeout, as on PostgreSQL")
    func connectTimeout() async throws {
        try await offPool {
            let listener = try SilentListener()
            defer { listener.close() }
            var configuration = ConnectionConfiguration(
                backend: .sqlServer, host: "127.0.0.1", port: listener.port, user: "sa", connectTimeout: 1)
            configuration.connectRetry = .none
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .timeout)
        }
    }

    @Test("a server that goes away is connectionLost, and the connection is no longer alive")
    func serverGone() throws {
        let postgres = try ThrowawayPostgres.shared()
        let server = TDSSandboxServer()
        let port = try server.start(
            host: "127.0.0.1", port: 0,
            engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres.configuration()))
        var configuration = try RealSandbox.configuration()
        configuration.port = port
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        try connection.ping()
        #expect(connection.isAlive)
        server.stop()
        let error = try #require(databaseError { try connection.ping() })
        #expect(error.kind == .connectionLost)
        #expect(!connection.isAlive)
    }

    @Test("after the server restarts, a pool lends no dead connection: the socket check finds them")
    func poolAfterRestart() async throws {
        try await offPool {
            let postgres = try ThrowawayPostgres.shared()
            let factory = PostgresSessionEngine.makeFactory(postgres: postgres.configuration())
            let first = TDSSandboxServer()
            let port = try first.start(host: "127.0.0.1", port: 0, engineFactory: factory)
            var configuration = try RealSandbox.configuration()
            configuration.port = port
            // pingAfterIdle of an hour: only the socket check can find a dead connection.
            let pool = ConnectionPool(
                driver: MSSQLDriver(), configuration: configuration,
                settings: PoolConfiguration(maximumSize: 3, acquireTimeout: 30, pingAfterIdle: 3600))
            defer { pool.close() }
            let held = try (0..<3).map { _ in try pool.acquire() }
            for connection in held { try connection.ping() }
            held.forEach(pool.release)
            first.stop()
            let second = TDSSandboxServer()
            defer { second.stop() }
            _ = try second.start(host: "127.0.0.1", port: port, engineFactory: factory)
            var failures = 0
            for _ in 0..<12 {
                do {
                    _ = try pool.withConnection { try $0.query("SELECT 1") }
                } catch {
                    failures += 1
                }
            }
            #expect(failures == 0)
            #expect(pool.statistics.discarded >= 3)
        }
    }
}
