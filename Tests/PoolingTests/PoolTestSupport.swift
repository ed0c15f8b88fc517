import DBCore
import Foundation
import Logging
import PGDriver
import Synchronization
import ThrowawayServers

/// The shared throwaway PostgreSQL server and helpers for pool tests.
enum PoolTestDatabase {
    static func server() throws -> ThrowawayPostgres { try ThrowawayPostgres.shared() }

    static func configuration() throws -> ConnectionConfiguration {
        var configuration = try server().configuration()
        configuration.applicationName = "pooling-tests"
        return configuration
    }

    /// A direct connection with autocommit on (for admin statements such as pg_terminate_backend).
    static func adminConnection() throws -> PGConnection {
        let connection = try PGDriver.connect(try configuration())
        try connection.setAutocommit(true)
        return connection
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A pool with test-friendly settings.
    static func pool(
        _ settings: PoolConfiguration = PoolConfiguration(maximumSize: 4, acquireTimeout: 10),
        logger: Logger = Logger(label: "pool-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> ConnectionPool {
        ConnectionPool(driver: PGDriver(), configuration: try configuration(), settings: settings, logger: logger)
    }

    /// Waits up to `seconds` for `condition` (polling); returns whether it became true.
    static func eventually(within seconds: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }
}

extension PoolTestDatabase {
    /// Waits up to `seconds` for `condition`, sleeping the task (never blocking a cooperative thread) between
    /// checks.
    static func eventuallyAsync(within seconds: Double = 60, _ condition: () throws -> Bool) async rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
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

    /// The single integer `sql` returns.
    func integer(_ sql: String) throws -> Int {
        try rows(sql)[0].get(Int.self, at: 0)
    }
}
