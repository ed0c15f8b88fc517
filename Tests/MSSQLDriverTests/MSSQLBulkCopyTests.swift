import DBCore
import Foundation
import MSSQLDriver
import Testing

/// Bulk copy (DB-Library bcp) through the real TDS sandbox: INSERT BULK and bulk-load packets into PostgreSQL.
@Suite("MSSQLDriver bulk copy (real sandbox)", .dropsTestObjects)
struct MSSQLBulkCopyTests {
    /// (The sandbox stores PostgreSQL microseconds, so times carry six fractional digits here.)
    @Test("every value type, NULLs and Unicode round-trip")
    func everyType() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("typed")
        let connection = try sandbox.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute(
            """
            CREATE TABLE \(table) (Id int, Bi bigint, Si smallint, Bt bit, Fl float, De decimal(38,10), Nv nvarchar(100),
                Nm nvarchar(max), Vb varbinary(100), Da date, Tm time(7), D2 datetime2(7), Dto datetimeoffset(7),
                Ui uniqueidentifier)
            """)
        let uuid = UUID()
        let full: [SQLValue] = [
            .int(1), .int(-9_000_000_000), .int(-32768), .bool(true), .double(2.5),
            .decimal(SQLDecimal("1234567890123456789012345678.1234567891")!), .string("héllo 日本 🌍"),
            .string(String(repeating: "ü", count: 5000)), .bytes([0, 1, 2, 255]),
            .date(SQLDate(year: 2024, month: 2, day: 29)!), .time(SQLTime(iso: "23:59:59.123456")!),
            .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.123456")!),
            .timestampTZ(SQLTimestampTZ(iso: "2024-01-01 01:30:00.5+05:30")!), .uuid(uuid),
        ]
        var nulls = [SQLValue](repeating: .null, count: full.count)
        nulls[0] = .int(2)
        let columns = ["Id", "Bi", "Si", "Bt", "Fl", "De", "Nv", "Nm", "Vb", "Da", "Tm", "D2", "Dto", "Ui"]
        let copied = try connection.bulkInsert(into: BulkTableName(table), columns: columns, rows: [full, nulls])
        #expect(copied == 2)
        let rows = try connection.run("SELECT * FROM \(table) ORDER BY Id")
        try #require(rows.count == 2)
        for (index, expected) in full.enumerated() {
            #expect(rows[0][index] == expected, "column \(columns[index])")
        }
        #expect(Array(rows[1].values.dropFirst()) == Array(nulls.dropFirst()))
    }

    @Test("a subset of columns in another order, case-insensitive names; the rest are NULL")
    func subsetOfColumns() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("part")
        let connection = try sandbox.connect()
        defer { connection.close() }
        try connection.makeCursor().execute("CREATE TABLE \(table) (A int, B nvarchar(10), C int)")
        try connection.bulkInsert(into: BulkTableName(table), columns: ["c", "A"], rows: [[.int(3), .int(1)]])
        let rows = try connection.run("SELECT A, B, C FROM \(table)")
        #expect(rows.map(\.values) == [[.int(1), .null, .int(3)]])
        #expect {
            try connection.bulkInsert(into: BulkTableName(table), columns: ["Nope"], rows: [[.int(1)]])
        } throws: { ($0 as? DatabaseError)?.kind == .undefinedColumn }
    }

    @Test("200k streamed rows in batches, with progress")
    func streamedRows() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("big")
        let connection = try sandbox.connect()
        defer { connection.close() }
        try connection.makeCursor().execute("CREATE TABLE \(table) (Id int, Name nvarchar(50), Price decimal(12,2))")
        let count = 200_000
        let rows = (0..<count).lazy.map { index -> [SQLValue] in
            [.int(Int64(index)), .string("item \(index)"), .decimal(SQLDecimal("\(index % 1000).25")!)]
        }
        var reports: [BulkCopyProgress] = []
        let options = BulkCopyOptions(batchSize: 50_000, progressInterval: 40_000) { reports.append($0) }
        let copied = try connection.bulkInsert(
            into: BulkTableName(table), columns: ["Id", "Name", "Price"], rows: rows, options: options)
        #expect(copied == count)
        let batchEnds = reports.filter(\.isBatchEnd)
        #expect(batchEnds.map(\.rowsCompleted) == [50_000, 100_000, 150_000, 200_000])
        #expect(batchEnds.map(\.batchesCompleted) == [1, 2, 3, 4])
        #expect(reports.filter { !$0.isBatchEnd }.map(\.rowsSent) == [40_000, 80_000, 120_000, 160_000, 200_000])
        let summary = try connection.run("SELECT COUNT(DISTINCT Id), MIN(Id), MAX(Id), MAX(Name) FROM \(table)")
        #expect(summary.first?.values == [.int(Int64(count)), .int(0), .int(Int64(count - 1)), .string("item 99999")])
    }

    @Test("a unique violation in batch 2 names the batch, keeps batch 1 (autocommit on)")
    func failureInSecondBatch() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("uniq")
        let connection = try sandbox.connect()
        defer { connection.close() }
        try connection.makeCursor().execute("CREATE TABLE \(table) (Id int PRIMARY KEY)")
        let ids = Array(0..<10) + [3] + Array(11..<20)  // row 10 (batch 1, 0-based) repeats id 3
        let error = #expect(throws: DatabaseError.self) {
            try connection.bulkInsert(
                into: BulkTableName(table), columns: ["Id"], rows: ids.map { [.int(Int64($0))] },
                options: BulkCopyOptions(batchSize: 10))
        }
        #expect(error?.kind == .uniqueViolation)
        #expect(error?.message.hasPrefix("bulk copy failed at row 10 (batch 1)") == true)
        #expect(error?.detail?.contains("10 rows in 1 earlier batches were committed") == true)
        #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(10))
        // The connection is usable afterwards, for another copy too.
        try connection.bulkInsert(into: BulkTableName(table), columns: ["Id"], rows: [[.int(100)]])
        #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(11))
    }

    @Test("with autocommit off nothing is committed; rollback leaves the table empty")
    func failureWithoutAutocommit() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("uniq2")
        let setup = try sandbox.connect()
        try setup.makeCursor().execute("CREATE TABLE \(table) (Id int PRIMARY KEY)")
        setup.close()
        let connection = try sandbox.connect(autocommit: false)
        defer { connection.close() }
        let error = #expect(throws: DatabaseError.self) {
            try connection.bulkInsert(
                into: BulkTableName(table), columns: ["Id"], rows: [0, 1, 2, 3, 1].map { [.int(Int64($0))] },
                options: BulkCopyOptions(batchSize: 3))
        }
        #expect(error?.message.hasPrefix("bulk copy failed at row 3 (batch 1)") == true)
        #expect(error?.detail?.hasPrefix("no rows were committed") == true)
        try connection.rollback()
        #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(0))
    }

    @Test("a value the column cannot take fails at its row as typeMismatch")
    func conversionFailure() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("small")
        let connection = try sandbox.connect()
        defer { connection.close() }
        try connection.makeCursor().execute("CREATE TABLE \(table) (Id smallint)")
        let error = #expect(throws: DatabaseError.self) {
            try connection.bulkInsert(
                into: BulkTableName(table), columns: ["Id"], rows: [[.int(1)], [.int(2)], [.int(70_000)]])
        }
        #expect(error?.kind == .typeMismatch)
        #expect(error?.message.hasPrefix("bulk copy failed at row 2 (batch 0)") == true)
        #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(0))
    }
}

@Suite("MSSQLDriver bulk copy edge cases (real sandbox)", .dropsTestObjects)
struct MSSQLBulkEdgeTests {
    /// DB-Library's bcp reads a zero length as NULL: empty values are stored as NULL (documented on bulkInsert).
    @Test("empty strings and binary are stored as NULL; no rows copies nothing")
    func emptyValues() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("empty")
        let connection = try sandbox.connect()
        defer { connection.close() }
        try connection.makeCursor().execute(
            "CREATE TABLE \(table) (Id int, Nv nvarchar(10), Vc varchar(10), Vb varbinary(10))")
        try connection.bulkInsert(
            into: BulkTableName(table), columns: ["Id", "Nv", "Vc", "Vb"],
            rows: [[.int(1), .string(""), .string(""), .bytes([])]])
        let stored = try connection.run("SELECT Id, Nv, Vc, Vb FROM \(table)").map(\.values)
        #expect(stored == [[.int(1), .null, .null, .null]])
        #expect(try connection.bulkInsert(into: BulkTableName(table), columns: ["Id"], rows: [[SQLValue]]()) == 0)
        #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(1))
    }

    @Test("a throwing progress callback stops the copy and rolls its batch back")
    func progressThrows() throws {
        struct Stop: Error {}
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("stopped")
        let connection = try sandbox.connect()
        defer { connection.close() }
        try connection.makeCursor().execute("CREATE TABLE \(table) (Id int)")
        let options = BulkCopyOptions(batchSize: 5, progressInterval: 7) { progress in
            if !progress.isBatchEnd { throw Stop() }
        }
        #expect(throws: Stop.self) {
            try connection.bulkInsert(
                into: BulkTableName(table), columns: ["Id"], rows: (0..<20).map { [.int(Int64($0))] }, options: options)
        }
        #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(5))
    }
}
