import Foundation

/// Measures fetching many rows through the async API against the sync API on the same connection, and a warm
/// pool's acquire + release. For the `bench` executable (not a test: timings vary by machine).
///
/// ```swift
/// let report = try await AsyncFetchBenchmark.run(driver: PGDriver(), configuration: configuration)
/// print(report)   // sync 1.02 s, async 1.05 s (ratio 1.03) …
/// ```
public enum AsyncFetchBenchmark {
    /// The measured times.
    public struct Report: Sendable, CustomStringConvertible {
        /// Rows fetched per run.
        public var rows: Int
        /// Seconds to fetch them with the sync API (cursor `fetchMany` in a loop), best of the runs.
        public var syncSeconds: Double
        /// Seconds to fetch them with ``AsyncConnection/rows(_:batchSize:)`` from the calling actor, best of the
        /// runs.
        public var asyncSeconds: Double
        /// Microseconds per acquire + release of an unused connection on a warm pool, from one thread.
        public var poolAcquireReleaseMicroseconds: Double

        /// `asyncSeconds / syncSeconds`.
        public var ratio: Double { asyncSeconds / syncSeconds }

        /// One line with every figure.
        public var description: String {
            "\(rows) rows: sync \(syncSeconds.formatted(decimals: 3)) s, async \(asyncSeconds.formatted(decimals: 3)) s "
                + "(async/sync \(ratio.formatted(decimals: 3))); warm pool acquire+release "
                + "\(poolAcquireReleaseMicroseconds.formatted(decimals: 2)) µs"
        }
    }

    /// Runs the benchmark: `SELECT g, 'row ' || g FROM generate_series(1, rows)` (PostgreSQL; on SQL Server
    /// pass `sql`), `runs` times each way, keeping the best time of each.
    public static func run(
        driver: any DatabaseDriver, configuration: ConnectionConfiguration, rows: Int = 1_000_000, runs: Int = 3,
        sql: String? = nil, isolation: isolated (any Actor)? = #isolation
    ) async throws -> Report {
        let statement = BoundStatement(sql: sql ?? "SELECT g, 'row ' || g AS label FROM generate_series(1, \(rows)) AS g")
        let connection = try await AsyncConnection.connect(configuration, driver: driver)
        defer { connection.connection.close() }
        var best = (sync: Double.infinity, async: Double.infinity)
        for _ in 0..<Swift.max(1, runs) {
            // Sync: on the connection's thread, as a blocking caller would run it.
            let syncTime = try await connection.withConnection { connection -> Double in
                let start = Date()
                let cursor = try connection.cursor()
                defer { cursor.close() }
                try cursor.execute(statement)
                var count = 0
                while true {
                    let batch = try cursor.fetchMany(1000)
                    count += batch.count
                    if batch.count < 1000 { break }
                }
                precondition(count == rows || sql != nil)
                return Date().timeIntervalSince(start)
            }
            best.sync = Swift.min(best.sync, syncTime)

            let start = Date()
            var count = 0
            let sequence = AsyncRows(batches: AsyncRowBatches(connection: connection, statement: statement, batchSize: 1000))
            for try await _ in sequence { count += 1 }
            precondition(count == rows || sql != nil)
            best.async = Swift.min(best.async, Date().timeIntervalSince(start))
        }

        let pool = ConnectionPool(driver: driver, configuration: configuration, settings: PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        // On a dedicated thread: the sync pool API blocks.
        let microseconds = try await connection.thread.run { () throws -> Double in
            let warm = try pool.acquire()
            pool.release(warm)
            let count = 100_000
            let start = Date()
            for _ in 0..<count { pool.release(try pool.acquire()) }
            return Date().timeIntervalSince(start) / Double(count) * 1e6
        }
        return Report(
            rows: rows, syncSeconds: best.sync, asyncSeconds: best.async, poolAcquireReleaseMicroseconds: microseconds)
    }
}
