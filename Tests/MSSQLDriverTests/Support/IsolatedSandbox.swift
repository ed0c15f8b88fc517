import DBCore
import Foundation
import MSSQLDriver
import TDSSandbox
import ThrowawayServers

/// A TDS sandbox of its own over the throwaway PostgreSQL, on a fresh database: for tests that need an empty
/// database (bulk copy, executeMany). Most tests share ``RealSandbox`` instead.
final class IsolatedSandbox: @unchecked Sendable {
    let server = TDSSandboxServer()
    let port: Int
    /// The PostgreSQL database behind the sandbox.
    let postgres: ConnectionConfiguration

    init() throws {
        let throwaway = try ThrowawayPostgres.shared()
        let database = "mssql_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try throwaway.createDatabase(named: database)
        postgres = throwaway.configuration(database: database)
        port = try server.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres))
    }

    deinit { server.stop() }

    /// A configuration for the driver: the PostgreSQL credentials, through the sandbox.
    func configuration() -> ConnectionConfiguration {
        ConnectionConfiguration(
            host: "127.0.0.1", port: port, database: postgres.database, user: postgres.user,
            password: postgres.password, connectTimeout: 10, queryTimeout: 60)
    }

    /// A new connection with autocommit as asked.
    func connect(autocommit: Bool = true) throws -> MSSQLConnection {
        let connection = try MSSQLConnection.connect(configuration())
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }
}
