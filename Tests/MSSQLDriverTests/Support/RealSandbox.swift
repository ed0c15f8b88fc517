import DBCore
import Foundation
import MSSQLDriver
import Synchronization
import TDSSandbox
import ThrowawayServers

/// The SQL Server the integration tests run against: by default the shared throwaway PostgreSQL and one
/// in-process ``TDSSandboxServer`` on 127.0.0.1 running ``PostgresSessionEngine``, started lazily once per test
/// process (thread-safe) and stopped at exit; with `MSSQL_TEST_URL` set, the server it names
/// (``MSSQLTestServer``), and no sandbox is started. A failure to start is remembered and thrown again.
enum RealSandbox {
    /// Where the server listens and how to log in to it.
    struct Endpoint: Sendable {
        /// The in-process sandbox; nil when the tests run against the server `MSSQL_TEST_URL` names.
        let server: TDSSandboxServer?
        let configuration: ConnectionConfiguration
    }

    private static let state = Mutex<Result<Endpoint, any Error>?>(nil)

    /// The server, started on first use.
    static func endpoint() throws -> Endpoint {
        try state.withLock { state in
            if let state { return try state.get() }
            let result = Result { () throws -> Endpoint in
                if let external = try MSSQLTestServer.externalConfiguration() {
                    return Endpoint(server: nil, configuration: external)
                }
                let postgres = try ThrowawayPostgres.shared()
                let server = TDSSandboxServer()
                let port = try server.start(
                    host: "127.0.0.1", port: 0,
                    engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres.configuration()))
                let configuration = ConnectionConfiguration(
                    backend: .sqlServer, host: "127.0.0.1", port: port, database: postgres.defaultDatabase,
                    user: postgres.superuser, password: postgres.superuserPassword, connectTimeout: 15,
                    applicationName: "mssql-driver-tests")
                return Endpoint(server: server, configuration: configuration)
            }
            if case .success(let endpoint) = result, endpoint.server != nil { atexit { RealSandbox.stopAtExit() } }
            state = result
            return try result.get()
        }
    }

    /// The login configuration, with an optional query timeout.
    static func configuration(queryTimeout: Double? = nil) throws -> ConnectionConfiguration {
        var configuration = try endpoint().configuration
        configuration.queryTimeout = queryTimeout
        return configuration
    }

    /// A new connection; autocommit on unless asked otherwise.
    static func connect(autocommit: Bool = true, queryTimeout: Double? = nil) throws -> MSSQLConnection {
        let connection = try MSSQLConnection.connect(configuration(queryTimeout: queryTimeout))
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }

    /// A table name no other test uses; the running test drops the table when it ends (``TestObjectCleanup``).
    static func uniqueName(_ prefix: String) -> String {
        uniqueName(prefix, kind: .table)
    }

    /// A name no other test uses for an object of `kind`, dropped when the running test ends.
    static func uniqueName(_ prefix: String, kind: TestObjectCleanup.Kind) -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        TestObjectCleanup.register(name, kind: kind)
        return name
    }

    private static func stopAtExit() {
        let endpoint = state.withLock { state in try? state?.get() }
        endpoint?.server?.stop()
    }
}

extension MSSQLConnection {
    /// Runs SQL without parameters and returns the rows of its first result set.
    @discardableResult
    func run(_ sql: String) throws -> [Row] {
        let cursor = try makeCursor()
        defer { cursor.close() }
        try cursor.execute(sql)
        return cursor.columns == nil ? [] : try cursor.fetchAll()
    }

    /// The single value of a one-row, one-column query with `%s` parameters.
    func scalar(_ sql: String, _ parameters: [(any SQLValueEncodable)?] = []) throws -> SQLValue {
        let cursor = try makeCursor()
        defer { cursor.close() }
        try cursor.execute(sql, parameters)
        let rows = try cursor.fetchAll()
        guard rows.count == 1, rows[0].count == 1 else {
            throw DatabaseError.misuse("expected one value, got \(rows.count) rows")
        }
        return rows[0][0]
    }
}

/// Large test values, made without the generic `Collection.map` over a range, which in a debug build spent more
/// time making 10 MB than the driver and the sandbox spent moving it (measured with perf).
enum LargeValues {
    /// `count` bytes of a repeating pattern.
    static func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var value: UInt8 = 0
            for index in 0..<count {
                buffer[index] = value
                value &+= 31
            }
            initialized = count
        }
    }
}
