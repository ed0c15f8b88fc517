import DBCore
import Foundation
import TestSupport
import Testing

@testable import MSSQLDriver

/// Views read one-size columns from addresses cached per batch, with DB-Library's NULL indicators
/// (`DBLibCurrentRow`): blob and other columns of varying length mixed in, NULLs and lengths that change from row to
/// row and from batch to batch, several result sets of one statement, and results wider than the row's first
/// column storage, all read through views equal to the `Row` path. Debug builds also check every cached address
/// against `dbdata`.
@Suite("MSSQLDriver row views: one-size columns read from cached addresses", .dropsTestObjects)
struct MSSQLRowViewCacheTests {
    /// Rows with one-size columns (INT, DECIMAL, DATETIME2, FLOAT, BIGINT) between blob columns (NVARCHAR(MAX),
    /// VARBINARY(MAX), VARCHAR(MAX)) whose lengths vary, each column NULL in its own pattern (row 0 has NULLs in
    /// some columns, so their first values come later).
    func makeTable(_ connection: MSSQLConnection, count: Int) throws -> String {
        let table = RealSandbox.uniqueName("view_cache")
        try connection.run(
            """
            CREATE TABLE \(table) (id INT NOT NULL, a INT, b NVARCHAR(MAX), c DECIMAL(18,4), d VARBINARY(MAX),
            e DATETIME2, f FLOAT, g VARCHAR(MAX), h BIGINT)
            """)
        let cursor = try connection.makeCursor()
        try cursor.executeMany(
            "INSERT INTO \(table) VALUES (@P1, @P2, @P3, @P4, @P5, @P6, @P7, @P8, @P9)",
            parameterSets: (0..<count).map { i in
                let text = String(repeating: "✓ 日本 \(i) ", count: i % 7 == 0 ? 900 : i % 4)
                let bytes = (0..<(i % 11 == 0 ? 9000 : i % 5)).map { UInt8(truncatingIfNeeded: $0 &+ i) }
                return [
                    .int(Int64(i)), i % 3 == 0 ? .null : .int(Int64(i) * -7),
                    i % 5 == 1 ? .null : .string(text),
                    i % 4 == 0 ? .null : .decimal(SQLDecimal("\(i).\(1000 + i % 9000)")!),
                    i % 6 == 2 ? .null : .bytes(bytes),
                    i % 2 == 0 ? .null : .timestamp(SQLTimestamp(nanosecondsSince1970: Int64(i) * 86_400_000_001_000)),
                    i % 7 == 3 ? .null : .double(Double(i) / 7),
                    i % 9 == 0 ? .null : .string(String(repeating: "x", count: i % 13)),
                    i % 8 == 7 ? .null : .int(Int64(i) << 33),
                ]
            })
        return table
    }

    @Test("blob and one-size columns, NULLs and lengths varying across rows and batches: views equal Rows")
    func mixedColumnsAcrossBatches() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead * 2 + 13
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            let sql = "SELECT id, a, b, c, d, e, f, g, h FROM \(table) ORDER BY id"
            try cursor.execute(sql)
            let rows = try cursor.fetchAll().map(\.values)
            #expect(rows.count == count)
            #expect(rows[0][1] == .null && rows[0][3] == .null && rows[1][1] != .null)

            // Every accessor of every column, value(at:) first.
            try cursor.execute(sql)
            let viewed = try readThroughViews(cursor)
            #expect(viewed.problems.isEmpty, "\(viewed.problems.prefix(5))")
            #expect(viewed.rows == rows)

            // The typed accessors alone, each the first read of its column in the row.
            try cursor.execute(sql)
            var index = 0
            try cursor.forEachRowView { view in
                let row = rows[index]
                let got: [SQLValue] = [
                    try view.int64(at: 1).map { .int($0) } ?? .null,
                    try view.scaledDecimal(at: 3).map { .string("\($0.unscaled)e-\($0.scale)") } ?? .null,
                    try view.timestamp(at: 5).map { .timestamp($0) } ?? .null,
                    try view.double(at: 6).map { .double($0) } ?? .null,
                    try view.int64(at: 8).map { .int($0) } ?? .null,
                    try view.withUTF8(at: 2) { .string(String(decoding: $0, as: UTF8.self)) } ?? .null,
                    try view.value(at: 4),
                    .bool(try view.isNull(at: 7)),
                    try view.int64(at: 0).map { .int($0) } ?? .null,
                ]
                let expected: [SQLValue] = [
                    row[1],
                    try RowViewConversion.decimal(row[3], 3).map {
                        let scaled = try RowViewConversion.scaled($0, 3)
                        return .string("\(scaled.unscaled)e-\(scaled.scale)")
                    } ?? .null,
                    row[5], row[6], row[8], row[2], row[4], .bool(row[7].isNull), .int(Int64(index)),
                ]
                #expect(got == expected, "row \(index)")
                index += 1
            }
            #expect(index == count)
        }
    }

    @Test("result sets of one statement with other column layouts, and one wider than 16 columns: views equal Rows")
    func severalResultSets() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead + 40
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let wide = (0..<20).map { "CASE WHEN id % \($0 + 2) = 0 THEN NULL ELSE id * \($0 + 1) END AS w\($0)" }
            let sql = """
                SELECT id, a, b, c, d, e, f, g, h FROM \(table) ORDER BY id;
                SELECT h, g, e, a, id, c FROM \(table) WHERE id % 3 <> 1 ORDER BY id DESC;
                SELECT \(wide.joined(separator: ", ")), b, c FROM \(table) ORDER BY id;
                SELECT c, id FROM \(table) ORDER BY id
                """
            let cursor = try connection.makeCursor()
            try cursor.execute(sql)
            var sets: [[[SQLValue]]] = []
            repeat { sets.append(try cursor.fetchAll().map(\.values)) } while try cursor.nextResultSet()
            #expect(sets.count == 4)
            #expect(sets[2].first?.count == 22)

            try cursor.execute(sql)
            var viewedSets: [[[SQLValue]]] = []
            repeat {
                let viewed = try readThroughViews(cursor)
                #expect(viewed.problems.isEmpty, "set \(viewedSets.count): \(viewed.problems.prefix(5))")
                viewedSets.append(viewed.rows)
            } while try cursor.nextResultSet()
            #expect(viewedSets == sets)
        }
    }

    @Test("rows read as Rows after a view call stopped in a batch keep their NULLs; the next views read right")
    func rowsAfterStoppedViews() async throws {
        struct Stop: Error {}
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead + 60
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let sql = "SELECT id, a, c, e, h FROM \(table) ORDER BY id"
            let cursor = try connection.makeCursor()
            try cursor.execute(sql)
            let rows = try cursor.fetchAll().map(\.values)

            try cursor.execute(sql)
            var got: [[SQLValue]] = []
            #expect(throws: Stop.self) {
                try cursor.forEachRowView { view in
                    got.append(try (0..<5).map { try view.value(at: $0) })
                    if got.count == 20 { throw Stop() }
                }
            }
            got += try cursor.fetchMany(30).map(\.values)
            try cursor.forEachRowView { view in got.append(try (0..<5).map { try view.value(at: $0) }) }
            #expect(got == rows)
        }
    }
}
