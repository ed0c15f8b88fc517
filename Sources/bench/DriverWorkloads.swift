import DBCore
import Foundation

/// The four timed workloads, written once against DBCore and run by either driver: the same work as the C and
/// Python competitors (`benchmarks/c`, `benchmarks/python`). Each opens its own connection.
struct DriverWorkloads {
    /// Opens a connection to the database that holds the bench tables.
    let connect: () throws -> any BulkCopying
    let sizes: BenchSizes
    /// The table the bulk-copy workload fills (`bench_copy_swift`, `bench_bcp_swift`).
    let bulkTable: String
    /// Whether the fetch reads rows in place (`forEachRowView`: values decoded from the driver's buffers, the
    /// text's UTF-8 read without making a `String`, as the C loop reads `dbdata` in place) instead of as `Row`s.
    var readsRowViews = false

    /// The row every insert workload writes for `i`: (int, text, float8, timestamp, numeric(12,2)).
    /// Its text is formatted straight into each string's storage (``digits(_:prefix:suffix:)``), as the C loop
    /// formats with `snprintf`: string interpolation would cost more than the whole COPY client path per row.
    static func row(_ i: Int) -> [SQLValue] {
        [
            .int(Int64(i)), .string(digits(i, prefix: "row number ")), .double(Double(i) * 0.5),
            .timestamp(SQLTimestamp(nanosecondsSince1970: Int64(1_577_836_800 + i) * 1_000_000_000)),
            .decimal(SQLDecimal(canonicalText: digits(i % 100_000, suffix: ".25"))!),
        ]
    }

    /// `prefix`, the decimal digits of `value` (≥ 0), then `suffix`: one allocation at most (none up to 15 bytes).
    static func digits(_ value: Int, prefix: StaticString = "", suffix: StaticString = "") -> String {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        let total = prefix.utf8CodeUnitCount + count + suffix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: total) { buffer in
            var index = 0
            for byte in UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount) {
                buffer[index] = byte
                index += 1
            }
            var remaining = value
            for position in stride(from: index + count - 1, through: index, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            index += count
            for byte in UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount) {
                buffer[index] = byte
                index += 1
            }
            return index
        }
    }

    /// (1) Every row of bench_fetch into native Swift values.
    func fetch() throws -> Measurement {
        let connection = try connect()
        defer { connection.close() }
        let cursor = try connection.cursor()
        return try readsRowViews ? fetchViews(cursor) : fetchRows(cursor)
    }

    /// (1) as `Row`s of `SQLValue` (`fetchOne`).
    func fetchRows(_ cursor: any DatabaseCursor) throws -> Measurement {
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

    /// (1) as row views: the same values, but the text only as its UTF-8 bytes and the decimal as an integer and
    /// a scale (`scaledDecimal`), as the C loops read them (`BENCH_VIEW_DECIMAL_TEXT=1`: as an ``SQLDecimal``, whose
    /// canonical text the view then makes).
    func fetchViews(_ cursor: any DatabaseCursor) throws -> Measurement {
        let decimalText = ProcessInfo.processInfo.environment["BENCH_VIEW_DECIMAL_TEXT"] == "1"
        var checksum = 0
        let measurement = try Clock.measure {
            try cursor.execute("SELECT id, t, f, ts, n FROM bench_fetch")
            var rows = 0
            try cursor.forEachRowView { row in
                guard let id = try row.int64(at: 0), let length = try row.withUTF8(at: 1, { $0.count }),
                    let f = try row.double(at: 2), let ts = try row.timestamp(at: 3)
                else { throw DatabaseError.misuse("unexpected NULLs in bench_fetch") }
                if decimalText {
                    guard let n = try row.decimal(at: 4) else { throw DatabaseError.misuse("unexpected NULL") }
                    checksum &+= n.description.utf8.count
                } else {
                    guard let n = try row.scaledDecimal(at: 4) else { throw DatabaseError.misuse("unexpected NULL") }
                    checksum &+= Int(truncatingIfNeeded: n.unscaled) &+ n.scale
                }
                checksum &+= Int(id) &+ length &+ Int(f) &+ ts.date.day
                rows += 1
            }
            return rows
        }
        precondition(checksum != 0)
        return measurement
    }

    /// (2) Single-row parameterised SELECTs by id, with latencies.
    func pointSelects() throws -> Measurement {
        let connection = try connect()
        defer { connection.close() }
        try connection.setAutocommit(true)
        let cursor = try connection.cursor()
        let sql = "SELECT id, t, f, ts, n FROM bench_fetch WHERE id = \(connection.dialect.placeholder(1))"
        var latencies: [Double] = []
        latencies.reserveCapacity(sizes.pointQueries)
        var measurement = try Clock.measure {
            for i in 0..<sizes.pointQueries {
                let start = Clock.now()
                let id = Int64(i * 7919 % sizes.fetchRows + 1)
                try cursor.execute(BoundStatement(sql: sql, parameters: [.int(id)]))
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

    /// (3) INSERTs with executeMany (PostgreSQL: pipelined; SQL Server: batched sp_executesql), one transaction.
    func executeMany() throws -> Measurement {
        let connection = try connect()
        defer { connection.close() }
        let cursor = try connection.cursor()
        try cursor.execute("TRUNCATE TABLE bench_many_swift")
        try connection.commit()
        let placeholders = (1...5).map(connection.dialect.placeholder).joined(separator: ", ")
        let count = sizes.manyRows
        return try Clock.measure {
            let sets = (0..<count).map(DriverWorkloads.row)
            try cursor.executeMany(
                "INSERT INTO bench_many_swift (id, t, f, ts, n) VALUES (\(placeholders))", parameterSets: sets)
            try connection.commit()
            return cursor.rowCount
        }
    }

    /// (4) Bulk insert (PostgreSQL: binary COPY; SQL Server: DB-Library bcp), rows generated lazily, one
    /// transaction.
    func bulkCopy() throws -> Measurement {
        let connection = try connect()
        defer { connection.close() }
        let cursor = try connection.cursor()
        try cursor.execute("TRUNCATE TABLE \(bulkTable)")
        try connection.commit()
        let count = sizes.copyRows
        return try Clock.measure {
            let copied = try connection.bulkInsert(
                into: BulkTableName(bulkTable), columns: ["id", "t", "f", "ts", "n"],
                rows: (0..<count).lazy.map(DriverWorkloads.row))
            try connection.commit()
            return copied
        }
    }
}
