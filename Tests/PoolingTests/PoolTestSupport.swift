import DBCore
import Foundation
import Logging
import PGDriver
import Synchronization
import TestSupport
import ThrowawayServers

/// The shared throwaway PostgreSQL server as the pool tests use it.
let poolingDatabase = SharedPostgres(applicationName: "pooling-tests")

/// Helpers for pool tests.
enum PoolTestDatabase {
    /// A pool with test-friendly settings.
    static func pool(
        _ settings: PoolConfiguration = PoolConfiguration(maximumSize: 4, acquireTimeout: 10),
        logger: Logger = Logger(label: "pool-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> ConnectionPool {
        ConnectionPool(
            driver: PGDriver(), configuration: try poolingDatabase.configuration(), settings: settings, logger: logger)
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
    /// The single integer `sql` returns.
    func integer(_ sql: String) throws -> Int {
        try rows(sql)[0].get(Int.self, at: 0)
    }
}
