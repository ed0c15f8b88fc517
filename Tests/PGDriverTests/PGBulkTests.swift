import DBCore
import Foundation
import PGDriver
import Testing

@Suite("PostgreSQL bulk copy (COPY FROM STDIN binary)")
struct PGBulkTests {
    static let allTypesDDL = """
        (id int4 PRIMARY KEY, b bool, i2 int2, i8 int8, f4 float4, f8 float8, n numeric, n2 numeric(12,2), t text,
        vc varchar(40), c char(3), by bytea, d date, tm time, ts timestamp, tz timestamptz, u uuid, j json, jb jsonb)
        """
    static let allColumns = [
        "id", "b", "i2", "i8", "f4", "f8", "n", "n2", "t", "vc", "c", "by", "d", "tm", "ts",
        "tz", "u", "j", "jb",
    ]

    @Test("every type, NULLs and Unicode round-trip exactly")
    func everyTypeRoundTrips() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_types")
        try connection.run("CREATE TABLE \(table) \(PGBulkTests.allTypesDDL)")
        let stamp = SQLTimestamp(
            date: SQLDate(year: 2024, month: 2, day: 29)!,
            time: SQLTime(hour: 23, minute: 59, second: 58, nanosecond: 123_456_000)!)
        let old = SQLTimestamp(
            date: SQLDate(year: 1901, month: 1, day: 1)!, time: SQLTime(hour: 0, minute: 0, second: 1)!)
        let uuid = UUID(uuidString: "0E9C7F3A-2B44-4C1A-9F5E-6D2A1B3C4D5E")!
        let full: [SQLValue] = [
            .int(1), .bool(true), .int(-32768), .int(Int64.max), .double(1.5), .double(-2.718281828459045),
            .decimal(SQLDecimal("-12345678901234567890.000123")!), .decimal(SQLDecimal("1234567890.12")!),
            .string("héllo wörld 你好 🎉 \"quoted\"\ttab\nline"), .string("Ünïcødé ✓"), .string("abc"),
            .bytes([0, 1, 2, 255, 0, 10]), .date(SQLDate(year: 1999, month: 12, day: 31)!),
            .time(SQLTime(hour: 13, minute: 14, second: 15, nanosecond: 999_999_000)!), .timestamp(stamp),
            .timestampTZ(SQLTimestampTZ(local: stamp, offsetSeconds: 5 * 3600 + 1800)), .uuid(uuid),
            .json("{\"k\": [1, 2, \"ü\"]}"), .json("{\"a\": 1, \"b\": \"ß\"}"),
        ]
        let second: [SQLValue] = [
            .int(2), .bool(false), .int(0), .int(Int64.min), .double(0), .double(1e300),
            .decimal(SQLDecimal("0.0001")!),
            .decimal(SQLDecimal("-0.50")!), .string(""), .string("x"), .string("a  "), .bytes([]),
            .date(SQLDate(year: 1970, month: 1, day: 1)!), .time(SQLTime(hour: 0, minute: 0, second: 0)!),
            .timestamp(old), .timestampTZ(SQLTimestampTZ(local: old, offsetSeconds: 0)), .uuid(UUID()),
            .json("[]"), .json("null"),
        ]
        let numbers: [SQLValue] = [
            .int(3), .null, .null, .null, .null, .null, .decimal(SQLDecimal("10000")!), .decimal(SQLDecimal("99.99")!),
            .null, .null, .null, .null, .null, .null, .null, .null, .null, .null, .null,
        ]
        let nulls = [SQLValue.int(4)] + Array(repeating: SQLValue.null, count: 18)
        let copied = try connection.bulkInsert(
            into: BulkTableName(table), columns: PGBulkTests.allColumns, rows: [full, second, numbers, nulls])
        #expect(copied == 4)

        let rows = try connection.run(
            "SELECT \(PGBulkTests.allColumns.joined(separator: ", ")) FROM \(table) ORDER BY id")
        #expect(rows.count == 4)
        for (row, expected) in zip(rows, [full, second, numbers, nulls]) {
            for (index, value) in expected.enumerated() {
                // timestamptz stores the instant; it comes back at offset 0 (the session is UTC).
                let wanted =
                    if case .timestampTZ(let zoned) = value {
                        SQLValue.timestampTZ(SQLTimestampTZ(utc: zoned.utc))
                    } else { value }
                #expect(row[index] == wanted, "column \(PGBulkTests.allColumns[index]) of row \(expected[0])")
            }
        }
        try connection.run("DROP TABLE \(table)")
    }

    @Test("a lazy sequence of 200k rows is streamed, never materialised")
    func streamsLazyRows() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_stream")
        try connection.run("CREATE TABLE \(table) (id int8, name text, amount numeric(12,2))")
        let produced = Counter()
        let rows = (0..<200_000).lazy.map { i -> [SQLValue] in
            produced.value += 1
            return [.int(Int64(i)), .string("row \(i)"), .decimal(SQLDecimal("\(i).25")!)]
        }
        var producedAtFirstBatch = -1
        let options = BulkCopyOptions(batchSize: 50_000) { progress in
            if progress.batchesCompleted == 1 { producedAtFirstBatch = produced.value }
        }
        let copied = try connection.bulkInsert(
            into: BulkTableName(table), columns: ["id", "name", "amount"], rows: rows, options: options)
        #expect(copied == 200_000)
        // When the first batch ended, the sequence had produced that batch and at most one row more.
        #expect(producedAtFirstBatch <= 50_001 && producedAtFirstBatch >= 50_000)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(200_000))
        #expect(try connection.scalar("SELECT sum(id) FROM \(table)") == .decimal(SQLDecimal("19999900000")!))
        #expect(try connection.scalar("SELECT name FROM \(table) WHERE id = 123456") == .string("row 123456"))
        try connection.run("DROP TABLE \(table)")
    }

    @Test("progress reports every interval and at each batch end")
    func progressCounts() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_progress")
        try connection.run("CREATE TABLE \(table) (id int4)")
        var reports: [BulkCopyProgress] = []
        let options = BulkCopyOptions(batchSize: 3000, progressInterval: 1000) { reports.append($0) }
        let rows = (0..<10_000).lazy.map { [SQLValue.int(Int64($0))] }
        #expect(
            try connection.bulkInsert(into: BulkTableName(table), columns: ["id"], rows: rows, options: options)
                == 10_000)
        let ends = reports.filter(\.isBatchEnd)
        #expect(ends.map(\.rowsCompleted) == [3000, 6000, 9000, 10_000])
        #expect(ends.map(\.batchesCompleted) == [1, 2, 3, 4])
        #expect(
            reports.filter { !$0.isBatchEnd }.map(\.rowsSent) == Array(stride(from: 1000, through: 10_000, by: 1000)))
        try connection.run("DROP TABLE \(table)")
    }

    @Test("autocommit on: a CHECK violation at row 1500 names row and batch; earlier batches stay committed")
    func failureWithAutocommit() throws {
        let connection = try TestDatabase.connect(autocommit: true)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_fail_ac")
        try connection.run("CREATE TABLE \(table) (id int4 CHECK (id <> 1500), name text)")
        let produced = Counter()
        let rows = (0..<5000).lazy.map { i -> [SQLValue] in
            produced.value += 1
            return [.int(Int64(i)), .string("n\(i)")]
        }
        let error = databaseError {
            try connection.bulkInsert(
                into: BulkTableName(table), columns: ["id", "name"], rows: rows,
                options: BulkCopyOptions(batchSize: 1000))
        }
        #expect(error?.kind == .checkViolation)
        #expect(
            error?.message.hasPrefix("bulk copy failed at row 1500 (batch 1)") == true, "\(String(describing: error))")
        #expect(error?.detail?.contains("rows committed by this copy before the failure: 1000") == true)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(1000))
        #expect(try connection.scalar("SELECT max(id) FROM \(table)") == .int(999))
        // Rows after the failing batch are never pulled from the source.
        #expect(produced.value <= 2001)
        try connection.run("DROP TABLE \(table)")
    }

    @Test("autocommit off: a NOT NULL violation at row 1500 leaves nothing of the copy committed")
    func failureInTransaction() throws {
        let connection = try TestDatabase.connect(autocommit: false)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_fail_tx")
        try connection.run("CREATE TABLE \(table) (id int4, name text NOT NULL)")
        try connection.run("INSERT INTO \(table) VALUES (-1, 'before')")
        try connection.commit()
        let rows = (0..<5000).lazy.map { [SQLValue.int(Int64($0)), $0 == 1500 ? .null : .string("n\($0)")] }
        let error = databaseError {
            try connection.bulkInsert(
                into: BulkTableName(table), columns: ["id", "name"], rows: rows,
                options: BulkCopyOptions(batchSize: 1000))
        }
        #expect(error?.kind == .notNullViolation)
        #expect(
            error?.message.hasPrefix("bulk copy failed at row 1500 (batch 1)") == true, "\(String(describing: error))")
        #expect(error?.detail?.contains("before the failure: 0") == true)
        try connection.rollback()
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(1))
        // The connection is usable: a new copy commits.
        try connection.bulkInsert(
            into: BulkTableName(table), columns: ["id", "name"], rows: [[.int(7), .string("ok")]])
        try connection.commit()
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(2))
        try connection.run("DROP TABLE \(table)")
        try connection.commit()
    }

    @Test("a value that does not fit its column fails on the client, naming row and column")
    func clientSideMismatch() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_mismatch")
        try connection.run("CREATE TABLE \(table) (id int4, small int2)")
        let rows: [[SQLValue]] = (0..<10).map { [.int(Int64($0)), $0 == 7 ? .string("seven") : .int(1)] }
        let error = databaseError {
            try connection.bulkInsert(into: BulkTableName(table), columns: ["id", "small"], rows: rows)
        }
        #expect(error?.kind == .typeMismatch)
        #expect(error?.message.contains("row 7") == true && error?.message.contains("'small'") == true)
        let overflow = databaseError {
            try connection.bulkInsert(
                into: BulkTableName(table), columns: ["id", "small"], rows: [[.int(1), .int(40_000)]])
        }
        #expect(overflow?.kind == .dataException)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(0))
        try connection.run("DROP TABLE \(table)")
    }

    struct Item: Encodable {
        enum Color: String, Encodable { case red, green }
        var id: Int
        var name: String
        var price: Decimal?
        var color: Color
    }

    @Test("Encodable rows copy by coding key; nil optionals become NULL")
    func encodableRows() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_codable")
        try connection.run("CREATE TABLE \(table) (id int4, name text, price numeric(8,2), color text)")
        let items = [
            Item(id: 1, name: "apple", price: Decimal(string: "1.25"), color: .red),
            Item(id: 2, name: "pear", price: nil, color: .green),
        ]
        let copied = try connection.bulkInsert(
            into: BulkTableName(table), columns: ["color", "id", "name", "price"], encoding: items)
        #expect(copied == 2)
        let rows = try connection.run("SELECT id, name, price, color FROM \(table) ORDER BY id")
        #expect(
            rows.map(\.values) == [
                [.int(1), .string("apple"), .decimal(SQLDecimal("1.25")!), .string("red")],
                [.int(2), .string("pear"), .null, .string("green")],
            ])
        try connection.run("DROP TABLE \(table)")
    }

    @Test("COPY TO STDOUT streams every row, in text and binary")
    func copyOutStreams() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_export")
        try connection.run("CREATE TABLE \(table) (id int4, name text)")
        let rows = (0..<30_000).lazy.map { [SQLValue.int(Int64($0)), $0 % 100 == 0 ? .null : .string("näme \($0)")] }
        try connection.bulkInsert(into: BulkTableName(table), columns: ["id", "name"], rows: rows)
        var lines = 0
        var first: String?
        var last: String?
        let count = try connection.copyOutLines(query: "SELECT id, name FROM \(table) ORDER BY id") { line in
            lines += 1
            if first == nil { first = line }
            last = line
        }
        #expect(count == 30_000 && lines == 30_000)
        #expect(first == "0\t\\N")
        #expect(last == "29999\tnäme 29999")
        var chunks = 0
        var bytes = 0
        let binaryCount = try connection.copyOut(query: "SELECT * FROM \(table)", format: .binary) { chunk in
            chunks += 1
            bytes += chunk.count
        }
        #expect(binaryCount == 30_000)
        #expect(chunks >= 30_000)
        #expect(bytes > 30_000 * 10)
        try connection.run("DROP TABLE \(table)")
    }

    @Test("execute still refuses COPY FROM STDIN; the connection stays usable")
    func executeRefusesCopyIn() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_refuse")
        try connection.run("CREATE TABLE \(table) (id int4)")
        #expect(databaseError { try connection.run("COPY \(table) FROM STDIN") } != nil)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(0))
        try connection.run("DROP TABLE \(table)")
    }
}

/// A mutable counter the lazy sequences above can capture.
final class Counter {
    var value = 0
}
