import DBCore
import Foundation
import Logging
import PGDriver
import Synchronization
import ThrowawayServers

/// The shared throwaway PostgreSQL server and helpers for the sign-in tests (the few PoolingTests helpers they use).
enum PoolTestDatabase {
    static func server() throws -> ThrowawayPostgres { try ThrowawayPostgres.shared() }

    static func configuration() throws -> ConnectionConfiguration {
        var configuration = try server().configuration()
        configuration.applicationName = "azure-identity-tests"
        return configuration
    }

    /// A direct connection with autocommit on (for CREATE ROLE and CREATE DATABASE).
    static func adminConnection() throws -> PGConnection {
        let connection = try PGDriver.connect(try configuration())
        try connection.setAutocommit(true)
        return connection
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }
}

extension DatabaseConnection {
    /// The rows of `sql` (no parameters).
    @discardableResult
    func rows(_ sql: String) throws -> [Row] {
        let cursor = try self.cursor()
        defer { cursor.close() }
        try cursor.execute(sql)
        return cursor.columns == nil ? [] : try cursor.fetchAll()
    }
}

/// A log handler that keeps every message and its metadata in memory, to check that no token is logged.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    let store: Store
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        store.lines.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
    }

    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "capture", factory: { _ in CapturingLogHandler(store: store) }), store)
    }
}

/// A value behind a lock, shareable between threads and tasks.
final class Box<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
