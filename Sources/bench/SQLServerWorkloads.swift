import DBCore
import Foundation
import MSSQLDriver

/// The SQL Server workloads run by MSSQLDriver through the TDS sandbox, the same work as
/// `benchmarks/c/dblib_bench.c` and `benchmarks/python/mssql_bench.py`.
struct SQLServerWorkloads {
    let configuration: ConnectionConfiguration
    let sizes: BenchSizes

    /// The columns of every table: (int, text, float8, timestamp, numeric(12,2)) as SQL Server types.
    static let columns = "(id int, t nvarchar(100), f float, ts datetime2, n decimal(12,2))"

    /// Creates the tables and fills bench_fetch (with bulk copy, outside any measurement).
    func prepare() throws {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        try connection.setAutocommit(true)
        let cursor = try connection.makeCursor()
        for table in ["bench_fetch"] + ["c", "py", "swift"].flatMap({ ["bench_many_\($0)", "bench_bcp_\($0)"] }) {
            try cursor.execute("IF OBJECT_ID('\(table)') IS NOT NULL DROP TABLE \(table)")
            try cursor.execute("CREATE TABLE \(table) \(Self.columns)")
        }
        try connection.bulkInsert(
            into: "bench_fetch", columns: ["id", "t", "f", "ts", "n"],
            rows: (1...sizes.fetchRows).lazy.map(PGWorkloads.row), options: BulkCopyOptions(batchSize: 100_000))
        try cursor.execute("CREATE UNIQUE INDEX bench_fetch_id ON bench_fetch (id)")
    }

    /// (1) Every row of bench_fetch into native Swift values.
    func fetch() throws -> Measurement {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        var checksum = 0
        let measurement = try Clock.measure {
            try cursor.execute("SELECT id, t, f, ts, n FROM bench_fetch")
            var rows = 0
            while let row = try cursor.fetchOne() {
                guard case .int(let id) = row[0], case .string(let text) = row[1], case .double(let f) = row[2],
                    case .timestamp(let ts) = row[3], case .decimal(let n) = row[4]
                else { throw DatabaseError.misuse("unexpected value types: \(row.values)") }
                checksum &+= Int(id) &+ text.utf8.count &+ Int(f) &+ ts.date.day &+ n.description.utf8.count
                rows += 1
            }
            return rows
        }
        precondition(checksum != 0)
        return measurement
    }

    /// (2) Single-row parameterised SELECTs by id (sp_executesql), with latencies.
    func pointSelects() throws -> Measurement {
        let connection = try MSSQLConnection.connect(configuration)
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
                    BoundStatement(sql: "SELECT id, t, f, ts, n FROM bench_fetch WHERE id = @P1", parameters: [.int(id)]))
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

    /// (3) INSERTs with executeMany (batched sp_executesql), one transaction.
    func executeMany() throws -> Measurement {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("TRUNCATE TABLE bench_many_swift")
        try connection.commit()
        let count = sizes.manyRows
        return try Clock.measure {
            let sets = (0..<count).map(PGWorkloads.row)
            try cursor.executeMany(
                "INSERT INTO bench_many_swift (id, t, f, ts, n) VALUES (@P1, @P2, @P3, @P4, @P5)", parameterSets: sets)
            try connection.commit()
            return cursor.rowCount
        }
    }

    /// (4) Bulk insert with DB-Library bcp, rows generated lazily, one batch, one transaction.
    func bulkCopy() throws -> Measurement {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("TRUNCATE TABLE bench_bcp_swift")
        try connection.commit()
        let count = sizes.copyRows
        return try Clock.measure {
            let copied = try connection.bulkInsert(
                into: "bench_bcp_swift", columns: ["id", "t", "f", "ts", "n"],
                rows: (0..<count).lazy.map(PGWorkloads.row))
            try connection.commit()
            return copied
        }
    }
}
