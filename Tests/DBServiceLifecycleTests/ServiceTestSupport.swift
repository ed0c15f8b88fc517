import DBCore
import Foundation
import Logging
import MSSQLDriver
import PGDriver
import Synchronization
import TDSSandbox
import ThrowawayServers

/// The database a test runs against: the shared throwaway PostgreSQL, or the in-process TDS sandbox over it
/// (MSSQLDriver over the real TDS wire).
enum TestBackend: String, Sendable, CustomStringConvertible {
    case postgres
    case sqlServer

    var description: String { rawValue }

    /// A statement that runs for a minute unless cancelled.
    var longStatement: SQLQuery {
        switch self {
        case .postgres: "SELECT pg_sleep(60)"
        case .sqlServer: "WAITFOR DELAY '00:01:00'"
        }
    }
}

/// A pool's database for one test: its own application name (to find its sessions in `pg_stat_activity`) and,
/// for SQL Server, its own sandbox.
final class ServiceTestDatabase: Sendable {
    let backend: TestBackend
    let applicationName: String
    let sandbox: TDSSandboxServer?
    private let configuration: ConnectionConfiguration
    private let postgres: ConnectionConfiguration

    init(_ backend: TestBackend) throws {
        self.backend = backend
        applicationName = "lifecycle_\(UUID().uuidString.prefix(8).lowercased())"
        var postgres = try ThrowawayPostgres.shared().configuration()
        postgres.applicationName = "lifecycle-tests-admin"
        self.postgres = postgres
        switch backend {
        case .postgres:
            var configuration = postgres
            configuration.applicationName = applicationName
            self.configuration = configuration
            sandbox = nil
        case .sqlServer:
            let server = TDSSandboxServer()
            let port = try server.start(
                host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres))
            var configuration = ConnectionConfiguration(
                backend: .sqlServer, host: "127.0.0.1", port: port, database: postgres.database, user: postgres.user,
                password: postgres.password, connectTimeout: 10)
            configuration.applicationName = applicationName  // the sandbox's PostgreSQL sessions carry it too
            self.configuration = configuration
            sandbox = server
        }
    }

    deinit { sandbox?.stop() }

    /// A new pool on this database.
    func pool(_ settings: PoolConfiguration = PoolConfiguration(maximumSize: 2, acquireTimeout: 30)) -> ConnectionPool {
        let driver: any DatabaseDriver = backend == .postgres ? PGDriver() : MSSQLDriver()
        return ConnectionPool(driver: driver, configuration: configuration, settings: settings, logger: quietLogger)
    }

    /// The PostgreSQL sessions the pool's connections hold now (through the sandbox for SQL Server), counted by
    /// `state` (`active`, `idle`, …), or all of them.
    func serverSessions(state: String? = nil) throws -> Int {
        let admin = try PGDriver.connect(postgres)
        defer { admin.close() }
        try admin.setAutocommit(true)
        let cursor = try admin.cursor()
        defer { cursor.close() }
        let filter = state.map { " AND state = '\($0)'" } ?? ""
        try cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(applicationName)'\(filter)")
        return try cursor.fetchAll()[0].get(Int.self, at: 0)
    }
}

/// A logger that drops everything.
let quietLogger = Logger(label: "lifecycle-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// A one-way gate tasks wait at until it is opened.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Lets every waiter, present and future, through.
    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until ``open()``.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isOpen = state.withLock { state -> Bool in
                if !state.isOpen { state.waiters.append(continuation) }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }
}

/// Waits up to `seconds` for `condition`, sleeping the task between checks; returns whether it became true.
func eventually(within seconds: Double = 60, _ condition: () throws -> Bool) async rethrows -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

/// The ``DatabaseError`` an async body throws, `nil` when it throws none.
func asyncDatabaseError(_ body: () async throws -> Void) async -> DatabaseError? {
    do {
        try await body()
        return nil
    } catch let error as DatabaseError {
        return error
    } catch {
        return DatabaseError(kind: .other, message: "not a DatabaseError: \(error)")
    }
}
