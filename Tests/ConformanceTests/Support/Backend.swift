import DBCore
import Foundation
import MSSQLDriver
import PGDriver
import Synchronization
import TDSSandbox
import ThrowawayServers

/// The databases every conformance test runs on: PostgreSQL (PGDriver on the throwaway cluster) and SQL Server
/// (MSSQLDriver on the TDS sandbox in front of that cluster). The tests speak only DBCore; the few dialect
/// differences (column types, identity columns) come from here.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case postgres
    case sqlServer

    var description: String { rawValue }

    /// The driver, as a DBCore ``DatabaseDriver``.
    var driver: any DatabaseDriver {
        switch self {
        case .postgres: return PGDriver()
        case .sqlServer: return MSSQLDriver()
        }
    }

    /// A new connection; autocommit on unless asked otherwise.
    func connect(autocommit: Bool = true) throws -> any DatabaseConnection {
        let configuration: ConnectionConfiguration
        switch self {
        case .postgres: configuration = try ThrowawayPostgres.shared().configuration()
        case .sqlServer: configuration = try SharedSandbox.configuration()
        }
        let connection = try driver.connect(configuration)
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }

    /// The column type for a portable kind of value.
    func type(_ kind: PortableType) -> String {
        switch (self, kind) {
        case (.postgres, .int): return "BIGINT"
        case (.sqlServer, .int): return "BIGINT"
        case (.postgres, .bool): return "BOOLEAN"
        case (.sqlServer, .bool): return "BIT"
        case (_, .decimal(let precision, let scale)): return "DECIMAL(\(precision),\(scale))"
        case (.postgres, .double): return "DOUBLE PRECISION"
        case (.sqlServer, .double): return "FLOAT"
        case (.postgres, .text): return "TEXT"
        case (.sqlServer, .text): return "NVARCHAR(MAX)"
        case (.postgres, .shortText(let length)): return "VARCHAR(\(length))"
        case (.sqlServer, .shortText(let length)): return "NVARCHAR(\(length))"
        case (.postgres, .bytes): return "BYTEA"
        case (.sqlServer, .bytes): return "VARBINARY(MAX)"
        case (_, .date): return "DATE"
        case (.postgres, .timestamp): return "TIMESTAMP(6)"
        case (.sqlServer, .timestamp): return "DATETIME2(6)"
        case (.postgres, .uuid): return "UUID"
        case (.sqlServer, .uuid): return "UNIQUEIDENTIFIER"
        }
    }

    /// An integer primary key the database numbers itself.
    var identityPrimaryKey: String {
        switch self {
        case .postgres: return "SERIAL PRIMARY KEY"
        case .sqlServer: return "INT IDENTITY(1,1) PRIMARY KEY"
        }
    }
}

/// The kinds of column both databases have.
enum PortableType: Sendable {
    case int, bool, double, text, bytes, date, timestamp, uuid
    case decimal(precision: Int, scale: Int)
    case shortText(Int)
}

/// One in-process TDS sandbox in front of the shared throwaway PostgreSQL, started on first use (thread-safe)
/// and stopped at exit; with `MSSQL_TEST_URL` set, the server it names instead (``MSSQLTestServer``), and no
/// sandbox is started.
enum SharedSandbox {
    private struct Running: Sendable {
        let server: TDSSandboxServer?
        let configuration: ConnectionConfiguration
    }

    private static let state = Mutex<Result<Running, any Error>?>(nil)

    /// The login configuration of the running sandbox.
    static func configuration() throws -> ConnectionConfiguration {
        try state.withLock { state in
            if let state { return try state.get().configuration }
            let result = Result { () throws -> Running in
                if let external = try MSSQLTestServer.externalConfiguration() {
                    return Running(server: nil, configuration: external)
                }
                let postgres = try ThrowawayPostgres.shared()
                let server = TDSSandboxServer()
                let port = try server.start(
                    host: "127.0.0.1", port: 0,
                    engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres.configuration()))
                return Running(
                    server: server,
                    configuration: ConnectionConfiguration(
                        backend: .sqlServer, host: "127.0.0.1", port: port, database: postgres.defaultDatabase,
                        user: postgres.superuser, password: postgres.superuserPassword, connectTimeout: 15,
                        applicationName: "conformance-tests"))
            }
            if case .success(let running) = result, running.server != nil { atexit { SharedSandbox.stopAtExit() } }
            state = result
            return try result.get().configuration
        }
    }

    private static func stopAtExit() {
        let running = state.withLock { state in try? state?.get() }
        running?.server?.stop()
    }
}

/// A table name no other test uses.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
}

extension DatabaseConnection {
    /// Runs SQL without parameters and returns the rows of its first result set.
    @discardableResult
    func run(_ sql: String) throws -> [Row] {
        let cursor = try self.cursor()
        defer { cursor.close() }
        try cursor.execute(sql)
        return cursor.columns == nil ? [] : try cursor.fetchAll()
    }

    /// The single value of a one-row, one-column query with `%s` parameters.
    func scalar(_ sql: String, _ parameters: [(any SQLValueEncodable)?] = []) throws -> SQLValue {
        let cursor = try self.cursor()
        defer { cursor.close() }
        try cursor.execute(sql, parameters)
        let rows = try cursor.fetchAll()
        guard rows.count == 1, rows[0].count == 1 else {
            throw DatabaseError.misuse("expected one value, got \(rows.count) rows")
        }
        return rows[0][0]
    }

    /// Creates a table and returns its name; the caller drops it.
    func makeTable(_ prefix: String, _ columns: String) throws -> String {
        let name = uniqueName(prefix)
        try run("CREATE TABLE \(name) (\(columns))")
        return name
    }
}
