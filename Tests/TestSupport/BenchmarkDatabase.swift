import DBCore
import Foundation
import Synchronization
import TDSSandbox
import ThrowawayServers

/// A PostgreSQL database of its own on the shared throwaway cluster (the benchmark suites use fixed table names),
/// reachable directly or through the shared TDS sandbox. Used by the SQLKit and Fluent conformance suites.
public struct BenchmarkDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// The cluster that holds it.
    public let postgres: ThrowawayPostgres

    /// Creates a database named `prefix_<8 hex digits>` on the shared cluster.
    public static func make(prefix: String) throws -> BenchmarkDatabase {
        let postgres = try ThrowawayPostgres.shared()
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try postgres.createDatabase(named: name)
        return BenchmarkDatabase(name: name, postgres: postgres)
    }

    /// A configuration that reaches the database directly.
    public var postgresConfiguration: ConnectionConfiguration { postgres.configuration(database: name) }

    /// A configuration that reaches the database through the shared TDS sandbox.
    public func sandboxConfiguration() throws -> ConnectionConfiguration {
        let port = try SharedBenchmarkSandbox.port()
        return ConnectionConfiguration(
            backend: .sqlServer, host: "127.0.0.1", port: port, database: name, user: postgres.superuser,
            password: postgres.superuserPassword, connectTimeout: 15, applicationName: "sqlkit-tests")
    }

    /// Drops the database.
    public func drop() { try? postgres.dropDatabase(named: name) }
}

/// One TDS sandbox in front of the shared cluster, started on first use and stopped at exit.
public enum SharedBenchmarkSandbox {
    private static let state = Mutex<(server: TDSSandboxServer, port: Int)?>(nil)

    /// The sandbox's port, starting it on first use.
    public static func port() throws -> Int {
        try state.withLock { state in
            if let state { return state.port }
            let postgres = try ThrowawayPostgres.shared()
            let server = TDSSandboxServer()
            let port = try server.start(
                host: "127.0.0.1", port: 0,
                engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres.configuration()))
            state = (server, port)
            atexit { SharedBenchmarkSandbox.stop() }
            return port
        }
    }

    private static func stop() {
        let server = state.withLock { $0?.server }
        server?.stop()
    }
}
