import DBCore
import Foundation

/// Measures fetching many rows through the async API against the sync API on the same connection, and a warm
/// pool's acquire + release (not a test: timings vary by machine). Uses DBCore's public API only.
///
/// ```swift
/// let report = try await AsyncFetchBenchmark.run(driver: PGDriver(), configuration: configuration)
/// print(report)   // sync 1.02 s, async 1.05 s (ratio 1.03) …
/// ```
enum AsyncFetchBenchmark {
    /// The measured times.
    struct Report: Sendable, CustomStringConvertible {
        /// Rows fetched per run.
        var rows: Int
        /// Seconds to fetch them with the sync API (cursor `fetchMany` in a loop), best of the runs.
        var syncSeconds: Double
        /// Seconds to fetch them with `AsyncConnection.rows(_:_:batchSize:)` from the calling actor, best of the
        /// runs.
        var asyncSeconds: Double
        /// Seconds to fetch them with `AsyncConnection.rowBatches(_:batchSize:)`, counting each batch's rows
        /// without handing them out one at a time (as the sync side does), best of the runs: the part of
        /// ``asyncSeconds`` that is per batch, not per row.
        var asyncBatchesSeconds: Double
        /// Microseconds per acquire + release of an unused connection on a warm pool, from one thread.
        var poolAcquireReleaseMicroseconds: Double

        /// `asyncSeconds / syncSeconds`.
        var ratio: Double { asyncSeconds / syncSeconds }

        /// One line with every figure.
        var description: String {
            String(
                format:
                    "%d rows: sync %.3f s, async %.3f s (async/sync %.3f), async batches %.3f s (%.3f); warm pool acquire+release %.2f µs",
                rows, syncSeconds, asyncSeconds, ratio, asyncBatchesSeconds, asyncBatchesSeconds / syncSeconds,
                poolAcquireReleaseMicroseconds)
        }
    }

    /// Runs the benchmark: `SELECT g, 'row ' || g FROM generate_series(1, rows)` (PostgreSQL; on SQL Server
    /// pass `sql`), `runs` times each way, keeping the best time of each.
    static func run(
        driver: any DatabaseDriver, configuration: ConnectionConfiguration, rows: Int = 1_000_000, runs: Int = 3,
        sql: String? = nil, isolation: isolated (any Actor)? = #isolation
    ) async throws -> Report {
        let statement = sql ?? "SELECT g, 'row ' || g AS label FROM generate_series(1, \(rows)) AS g"
        let connection = try await AsyncConnection.connect(configuration, driver: driver)
        defer { connection.connection.close() }
        var best = (sync: Double.infinity, async: Double.infinity, batches: Double.infinity)
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
            let sequence = try connection.rows(statement, [], batchSize: 1000)
            for try await _ in sequence { count += 1 }
            precondition(count == rows || sql != nil)
            best.async = Swift.min(best.async, Date().timeIntervalSince(start))

            let batchesStart = Date()
            var batchRows = 0
            let query: SQLQuery = "\(unsafeRaw: statement)"
            for try await batch in connection.rowBatches(query, batchSize: 1000) { batchRows += batch.count }
            precondition(batchRows == rows || sql != nil)
            best.batches = Swift.min(best.batches, Date().timeIntervalSince(batchesStart))
        }

        let pool = ConnectionPool(
            driver: driver, configuration: configuration, settings: PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        // On the connection's own thread: the sync pool API blocks.
        let microseconds = try await connection.withConnection { _ throws -> Double in
            let warm = try pool.acquire()
            pool.release(warm)
            let count = 100_000
            let start = Date()
            for _ in 0..<count { pool.release(try pool.acquire()) }
            return Date().timeIntervalSince(start) / Double(count) * 1e6
        }
        return Report(
            rows: rows, syncSeconds: best.sync, asyncSeconds: best.async, asyncBatchesSeconds: best.batches,
            poolAcquireReleaseMicroseconds: microseconds)
    }
}
