import DBCore
import Foundation
import MSSQLDriver
import TDSSandbox
import ThrowawayServers

/// A TDS sandbox of its own over the throwaway PostgreSQL, on a fresh database: for tests that want a server to
/// themselves (bulk copy, executeMany). Most tests share ``RealSandbox`` instead. With `MSSQL_TEST_URL` set it
/// starts nothing and logs in to that server; the tests' unique table names keep them apart there.
final class IsolatedSandbox: @unchecked Sendable {
    /// The in-process sandbox; nil against the server `MSSQL_TEST_URL` names.
    let server: TDSSandboxServer?
    private let login: ConnectionConfiguration

    /// Starts the sandbox with `configuration` (ignored against `MSSQL_TEST_URL`'s server).
    init(configuration: TDSSandboxConfiguration = TDSSandboxConfiguration()) throws {
        if var external = try MSSQLTestServer.externalConfiguration() {
            external.queryTimeout = 60
            server = nil
            login = external
            return
        }
        let throwaway = try ThrowawayPostgres.shared()
        let database = "mssql_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try throwaway.createDatabase(named: database)
        let postgres = throwaway.configuration(database: database)
        let server = TDSSandboxServer(configuration: configuration)
        let port = try server.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres))
        self.server = server
        login = ConnectionConfiguration(
            host: "127.0.0.1", port: port, database: postgres.database, user: postgres.user,
            password: postgres.password, connectTimeout: 10, queryTimeout: 60)
    }

    deinit { server?.stop() }

    /// A configuration for the driver: the PostgreSQL credentials, through the sandbox.
    func configuration() -> ConnectionConfiguration { login }

    /// A new connection with autocommit as asked.
    func connect(autocommit: Bool = true) throws -> MSSQLConnection {
        let connection = try MSSQLConnection.connect(configuration())
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }

    /// A table name no other test uses, dropped when the test ends.
    func table(_ prefix: String) -> String { RealSandbox.uniqueName(prefix) }
}
