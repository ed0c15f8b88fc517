import DBCore
import Foundation
import PGDriver

/// The PostgreSQL bench tables, and the workloads run on them by PGDriver (``DriverWorkloads``).
struct PGWorkloads {
    let configuration: ConnectionConfiguration
    let sizes: BenchSizes

    /// Creates and fills the tables (outside any measurement).
    func prepare() throws {
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        try connection.setAutocommit(true)
        let cursor = try connection.makeCursor()
        let columns = "(id int4, t text, f float8, ts timestamp, n numeric(12,2))"
        try cursor.execute("DROP TABLE IF EXISTS bench_fetch")
        try cursor.execute("CREATE TABLE bench_fetch \(columns)")
        try cursor.execute(
            """
            INSERT INTO bench_fetch SELECT g, 'row number ' || g, g * 0.5,
                timestamp '2020-01-01' + g * interval '1 second', (g % 100000) + 0.25
            FROM generate_series(1, \(sizes.fetchRows)) g
            """)
        try cursor.execute("ALTER TABLE bench_fetch ADD PRIMARY KEY (id)")
        try cursor.execute("VACUUM ANALYZE bench_fetch")
        for who in ["c", "py", "swift"] {
            for kind in ["many", "copy"] {
                try cursor.execute("DROP TABLE IF EXISTS bench_\(kind)_\(who)")
                try cursor.execute("CREATE TABLE bench_\(kind)_\(who) \(columns)")
            }
        }
    }

    /// The timed workloads, on PGDriver connections (`BENCH_PREPARE_THRESHOLD`, e.g. `none`, sets the statement
    /// cache's `prepare_threshold`).
    var timed: DriverWorkloads {
        var configuration = self.configuration
        if let threshold = ProcessInfo.processInfo.environment["BENCH_PREPARE_THRESHOLD"] {
            configuration.options[StatementCacheSettings.thresholdOption] = threshold
        }
        return DriverWorkloads(
            connect: { try PGDriver.connect(configuration) }, sizes: sizes, bulkTable: "bench_copy_swift")
    }
}

/// How big each workload is; `BENCH_SCALE` (e.g. 0.1) shrinks them for a quick run.
struct BenchSizes {
    var fetchRows = 1_000_000
    var pointQueries = 10_000
    var manyRows = 100_000
    var copyRows = 1_000_000
    var repeats = 3

    static func fromEnvironment() -> BenchSizes {
        var sizes = BenchSizes()
        let environment = ProcessInfo.processInfo.environment
        if let scale = environment["BENCH_SCALE"].flatMap(Double.init), scale > 0 {
            sizes.fetchRows = max(1000, Int(Double(sizes.fetchRows) * scale))
            sizes.pointQueries = max(100, Int(Double(sizes.pointQueries) * scale))
            sizes.manyRows = max(1000, Int(Double(sizes.manyRows) * scale))
            sizes.copyRows = max(1000, Int(Double(sizes.copyRows) * scale))
        }
        if let repeats = environment["BENCH_REPEAT"].flatMap(Int.init), repeats > 0 { sizes.repeats = repeats }
        if let count = environment["BENCH_POINT_QUERIES"].flatMap(Int.init), count > 0 { sizes.pointQueries = count }
        return sizes
    }
}
