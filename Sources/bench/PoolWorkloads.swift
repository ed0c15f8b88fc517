import DBCore
import Foundation
import PGDriver

/// Issue 7's figures: a warm pool's acquire + release, queries/s for 32 tasks with and without a pool, and the
/// async API's fetch speed next to the sync API's (run from top-level code, on the main actor).
struct PoolWorkloads {
    let configuration: ConnectionConfiguration

    /// (5) Acquire + release of an unused connection on a warm pool of PGDriver connections, from one thread,
    /// with per-operation p50/p99.
    func acquireRelease(operations: Int = 200_000) throws -> Measurement {
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: configuration, settings: PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        pool.release(try pool.acquire())  // warm: one open connection, idle
        var latencies: [Double] = []
        latencies.reserveCapacity(operations)
        var measurement = try Clock.measure {
            for _ in 0..<operations {
                let start = Clock.now()
                pool.release(try pool.acquire())
                latencies.append((Clock.now() - start) * 1e6)
            }
            return operations
        }
        latencies.sort()
        measurement.p50Micros = Clock.percentile(latencies, 0.5)
        measurement.p99Micros = Clock.percentile(latencies, 0.99)
        return measurement
    }

    /// `queries` point queries spread over 32 concurrent tasks: through a pool of 4, or with a new connection per
    /// query (connect, query, close), as code without a pool does.
    func thirtyTwoTasks(queries: Int, pooled: Bool) async throws -> Measurement {
        let tasks = 32
        let perTask = queries / tasks
        let pool =
            pooled
            ? ConnectionPool(
                driver: PGDriver(), configuration: configuration, settings: PoolConfiguration(maximumSize: 4))
            : nil
        defer { pool?.close() }
        let configuration = self.configuration
        let start = Clock.now()
        let cpu0 = Clock.cpu()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for i in 0..<perTask {
                        let value = task * perTask + i
                        if let pool {
                            let got = try await pool.withConnection { connection in
                                try await connection.query("SELECT \(bind: value) AS v")[0].get(Int.self, at: 0)
                            }
                            precondition(got == value)
                        } else {
                            let connection = try await AsyncConnection.connect(configuration, driver: PGDriver())
                            let got = try await connection.query("SELECT \(bind: value) AS v")[0].get(Int.self, at: 0)
                            await connection.close()
                            precondition(got == value)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Measurement(rows: perTask * tasks, seconds: Clock.now() - start, cpuSeconds: Clock.cpu() - cpu0)
    }
}
