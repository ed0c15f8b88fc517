import DBCore
import Foundation
import PGDriver

/// The PostgreSQL workloads run by PGDriver, the same work as `benchmarks/c/pg_bench.c` and
/// `benchmarks/python/pg_bench.py`.
struct PGWorkloads {
    let configuration: ConnectionConfiguration
    let sizes: BenchSizes

    /// The row every insert workload writes for `i`: (int, text, float8, timestamp, numeric(12,2)).
    static func row(_ i: Int) -> [SQLValue] {
        [
            .int(Int64(i)), .string("row number \(i)"), .double(Double(i) * 0.5),
            .timestamp(SQLTimestamp(nanosecondsSince1970: Int64(1_577_836_800 + i) * 1_000_000_000)),
            .decimal(SQLDecimal("\(i % 100_000).25")!),
        ]
    }

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

    /// (1) Every row of bench_fetch into native Swift values.
    func fetch() throws -> Measurement {
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        var checksum = 0
        let measurement = try Clock.measure {
            try cursor.execute("SELECT id, t, f, ts, n FROM bench_fetch")
            var rows = 0
            while let row = try cursor.fetchOne() {
                guard case .int(let id) = row[0], case .string(let text) = row[1], case .double(let f) = row[2],
                    case .timestamp(let ts) = row[3], case .decimal(let n) = row[4]
                else { throw DatabaseError.misuse("unexpected value types") }
                checksum &+= Int(id) &+ text.utf8.count &+ Int(f) &+ ts.date.day &+ n.description.utf8.count
                rows += 1
            }
            return rows
        }
        precondition(checksum != 0)
        return measurement
    }

    /// (2) Single-row parameterised SELECTs by id, with latencies.
    func pointSelects() throws -> Measurement {
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        try connection.setAutocommit(true)
        let cursor = try connection.makeCursor()
        var latencies: [Double] = []
        latencies.reserveCapacity(sizes.pointQueries)
        var measurement = try Clock.measure {
            for i in 0..<sizes.pointQueries {
                let start = Clock.now()
                let id = Int64(i * 7919 % sizes.fetchRows + 1)
                try cursor.execute(
                    BoundStatement(sql: "SELECT id, t, f, ts, n FROM bench_fetch WHERE id = $1", parameters: [.int(id)]))
                guard let row = try cursor.fetchOne(), row[0] == .int(id) else {
                    throw DatabaseError.misuse("point select found no row")
                }
                latencies.append((Clock.now() - start) * 1e6)
            }
            return sizes.pointQueries
        }
        latencies.sort()
        measurement.p50Micros = Clock.percentile(latencies, 0.5)
        measurement.p99Micros = Clock.percentile(latencies, 0.99)
        return measurement
    }

    /// (3) INSERTs with executeMany (pipelined), one transaction.
    func executeMany() throws -> Measurement {
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("TRUNCATE bench_many_swift")
        try connection.commit()
        let count = sizes.manyRows
        return try Clock.measure {
            let sets = (0..<count).map(PGWorkloads.row)
            try cursor.executeMany(
                "INSERT INTO bench_many_swift (id, t, f, ts, n) VALUES ($1, $2, $3, $4, $5)", parameterSets: sets)
            try connection.commit()
            return cursor.rowCount
        }
    }

    /// (4) Bulk insert with COPY (binary), rows generated lazily, one transaction.
    func copy() throws -> Measurement {
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("TRUNCATE bench_copy_swift")
        try connection.commit()
        let count = sizes.copyRows
        return try Clock.measure {
            let copied = try connection.bulkInsert(
                into: "bench_copy_swift", columns: ["id", "t", "f", "ts", "n"],
                rows: (0..<count).lazy.map(PGWorkloads.row))
            try connection.commit()
            return copied
        }
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
        return sizes
    }
}
