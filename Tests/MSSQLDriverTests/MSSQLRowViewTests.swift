import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// Rows read in place (`forEachRowView`): the same values as `Row`s, batches that reuse their storage, rows kept
/// with `makeRow()` that outlive it, and a cursor that stays consistent when the caller throws or misuses it.
@Suite("MSSQLDriver row views: in-place decoding", .dropsTestObjects)
struct MSSQLRowViewTests {
    /// A table of `count` rows (id, decimal, nvarchar with non-ASCII text, varchar with code page 1252 text,
    /// datetime2, float), every fifth value NULL.
    func makeTable(_ connection: MSSQLConnection, count: Int) throws -> String {
        let table = RealSandbox.uniqueName("row_views")
        try connection.run(
            "CREATE TABLE \(table) (id INT, d DECIMAL(12,2), s NVARCHAR(40), c VARCHAR(40), ts DATETIME2, f FLOAT)")
        let cursor = try connection.makeCursor()
        try cursor.executeMany(
            "INSERT INTO \(table) VALUES (@P1, @P2, @P3, @P4, @P5, @P6)",
            parameterSets: (0..<count).map { i in
                let null = i % 5 == 4
                return [
                    .int(Int64(i)), null ? .null : .decimal(SQLDecimal("-\(i).05")!),
                    null ? .null : .string("日本 \(i) 🌍 ü"), null ? .null : .string("café €\(i) Œ"),
                    null ? .null : .timestamp(SQLTimestamp(nanosecondsSince1970: Int64(i) * 1_000_001_000)),
                    null ? .null : .double(Double(i) / 3),
                ]
            })
        return table
    }

    @Test("views give the values Rows give, over several batches, NULLs and non-ASCII text included")
    func sameAsRows() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead * 2 + 31
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT id, d, s, c, ts, f FROM \(table) ORDER BY id")
            let rows = try cursor.fetchAll().map(\.values)
            try cursor.execute("SELECT id, d, s, c, ts, f FROM \(table) ORDER BY id")
            let viewed = try readThroughViews(cursor)
            #expect(viewed.problems.isEmpty, "\(viewed.problems.prefix(5))")
            #expect(viewed.rows.count == count)
            #expect(viewed.rows == rows)
            #expect(rows[1][2] == .string("日本 1 🌍 ü"))
            #expect(rows[1][3] == .string("café €1 Œ"))
            #expect(rows[4][1] == .null)
            #expect(cursor.rowCount == count)
            #expect(try cursor.fetchOne() == nil)
        }
    }

    @Test("a row kept with makeRow() keeps its values after the next batches; typed accessors read in place")
    func keptRows() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead * 2 + 3
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT id, d, s, c, ts, f FROM \(table) ORDER BY id")
            var kept: [Row] = []
            var seen = 0
            try cursor.forEachRowView { view in
                #expect(try view.int64(at: 0) == Int64(seen))
                if seen % 5 != 4 {
                    #expect(try view.string(at: 2) == "日本 \(seen) 🌍 ü")
                    #expect(try view.withUTF8(at: 3) { Array($0) } == Array("café €\(seen) Œ".utf8))
                    #expect(try view.decimal(at: 1) == SQLDecimal("-\(seen).05"))
                    #expect(try view.double(at: 5) == Double(seen) / 3)
                } else {
                    #expect(try view.isNull(at: 2))
                    #expect(try view.string(at: 2) == nil)
                    #expect(try view.withUTF8(at: 2) { _ in 1 } == nil)
                }
                if seen == 1 || seen == count - 1 { kept.append(try view.makeRow()) }
                seen += 1
            }
            #expect(seen == count)
            #expect(kept.count == 2)
            #expect(kept[0][0] == .int(1))
            #expect(kept[0]["s"] == .string("日本 1 🌍 ü"))
            #expect(kept[0][4] == .timestamp(SQLTimestamp(nanosecondsSince1970: 1_000_001_000)))
            #expect(kept[1][0] == .int(Int64(count - 1)))
        }
    }

    @Test("rows fetched with fetchOne, then views, then fetchOne after a throwing view: each row once, in order")
    func mixedWithFetchOne() async throws {
        struct Stop: Error {}
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead * 2 + 7
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT id FROM \(table) ORDER BY id")
            var ids: [Int64] = try cursor.fetchMany(3).map { try $0.get(at: 0) }
            let stopAt = MSSQLCursor.readAhead + 10
            #expect(throws: Stop.self) {
                try cursor.forEachRowView { view in
                    ids.append(try view.int64(at: 0)!)
                    if ids.count == stopAt { throw Stop() }
                }
            }
            #expect(ids.count == stopAt)
            while let row = try cursor.fetchOne() { ids.append(try row.get(at: 0)) }
            #expect(ids == (0..<Int64(count)).map { $0 })
            #expect(cursor.rowCount == count)
        }
    }

    @Test("inside a view call the cursor and its connection refuse calls (misuse, no deadlock); state reads work")
    func misuse() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3")
            var inner: DatabaseError?
            var calls = 0
            try cursor.forEachRowView { _ in
                calls += 1
                inner = inner ?? databaseError { _ = try cursor.fetchOne() }
            }
            #expect(calls == 3)
            #expect(inner?.kind == .misuse)

            try cursor.execute("SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3")
            let other = try connection.makeCursor()
            var errors: [DatabaseError.Kind?] = []
            var autocommit: [Bool] = []
            calls = 0
            try cursor.forEachRowView { view in
                calls += 1
                // The body holds the connection: using it again is a typed error, not a deadlock.
                errors.append(databaseError { try other.execute("SELECT 42") }?.kind)
                errors.append(databaseError { try connection.commit() }?.kind)
                errors.append(databaseError { try connection.ping() }?.kind)
                autocommit.append(connection.autocommit)
                #expect(connection.isAlive)
                #expect(!connection.isClosed)
                let value = try view.int64(at: 0)
                #expect(value == Int64(calls))
            }
            #expect(calls == 3)
            #expect(errors == Array(repeating: .misuse, count: 9))
            #expect(autocommit == Array(repeating: connection.autocommit, count: 3))
            try other.execute("SELECT 42")
            #expect(try other.fetchOne()?[0] == .int(42))
        }
    }

    @Test("a body that stops early leaves the connection ready for the next statement, on this or another cursor")
    func earlyExitThenNewQuery() async throws {
        struct Stop: Error {}
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead * 3
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            for stopAt in [1, MSSQLCursor.readAhead, MSSQLCursor.readAhead + 1] {
                try cursor.execute("SELECT id, s FROM \(table) ORDER BY id")
                var seen = 0
                #expect(throws: Stop.self) {
                    try cursor.forEachRowView { _ in
                        seen += 1
                        if seen == stopAt { throw Stop() }
                    }
                }
                #expect(seen == stopAt)
                try cursor.execute("SELECT COUNT(*) FROM \(table)")
                #expect(try cursor.fetchOne()?[0] == .int(Int64(count)))
            }
            try cursor.execute("SELECT id FROM \(table) ORDER BY id")
            #expect(throws: Stop.self) { try cursor.forEachRowView { _ in throw Stop() } }
            let other = try connection.makeCursor()
            try other.execute("SELECT N'日本 🌍' AS s")
            var text: String?
            try other.forEachRowView { text = try $0.string(at: 0) }
            #expect(text == "日本 🌍")
        }
    }

    @Test("closing the cursor or the connection inside the body ends the reading when the batch ends")
    func closeInsideBody() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead * 2
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT id FROM \(table) ORDER BY id")
            var seen = 0
            try cursor.forEachRowView { _ in
                seen += 1
                if seen == 5 { cursor.close() }
            }
            #expect(seen == 5)
            #expect(databaseError { _ = try cursor.fetchOne() }?.kind == .misuse)
            let next = try connection.makeCursor()
            try next.execute("SELECT COUNT(*) FROM \(table)")
            #expect(try next.fetchOne()?[0] == .int(Int64(count)))

            let doomed = try RealSandbox.connect()
            let reader = try doomed.makeCursor()
            try reader.execute("SELECT id FROM \(table) ORDER BY id")
            seen = 0
            let error = databaseError {
                try reader.forEachRowView { _ in
                    seen += 1
                    if seen == 3 { doomed.close() }
                }
            }
            #expect(seen == 3)
            #expect(error != nil)
            #expect(doomed.isClosed)
            #expect(!doomed.isAlive)
        }
    }

    @Test("a cancel from inside the body stops the rows with a cancelled error; the connection stays usable")
    func cancelInsideBody() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let count = MSSQLCursor.readAhead * 4
            let table = try makeTable(connection, count: count)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT id, s FROM \(table) ORDER BY id")
            var seen = 0
            let error = databaseError {
                try cursor.forEachRowView { _ in
                    seen += 1
                    if seen == 1 { connection.cancel() }
                }
            }
            #expect(error?.kind == .cancelled)
            #expect(seen < count)
            try cursor.execute("SELECT COUNT(*) FROM \(table)")
            #expect(try cursor.fetchOne()?[0] == .int(Int64(count)))
        }
    }

    @Test(
        "a view read after its call returned stops the process (a precondition trap, SIGILL), never reads another row")
    func viewOutlivingItsRow() async {
        await #expect(processExitsWith: .signal(SIGILL)) {
            let connection = try RealSandbox.connect()
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT 1 AS a UNION ALL SELECT 2")
            var kept: (any RowView)?
            try cursor.forEachRowView { view in kept = kept ?? view }
            _ = try kept?.int64(at: 0)
        }
    }

    @Test(
        "a view read after its cursor and connection were freed still stops the process (its row's memory is pooled)")
    func viewOutlivingItsCursor() async {
        await #expect(processExitsWith: .signal(SIGILL)) {
            var kept: (any RowView)?
            do {
                let connection = try RealSandbox.connect()
                defer { connection.close() }
                let cursor = try connection.makeCursor()
                try cursor.execute("SELECT 1 AS a UNION ALL SELECT 2")
                try cursor.forEachRowView { view in kept = kept ?? view }
            }
            // A new cursor may take the pooled row: the kept view's sequence number is still not its current one.
            let connection = try RealSandbox.connect()
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT 3 AS a")
            try cursor.forEachRowView { _ in _ = try kept?.int64(at: 0) }
        }
    }

    @Test("scaledDecimal reads DECIMAL bytes as an integer and a scale; wider than Int64 is a type mismatch")
    func scaledDecimals() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let cursor = try connection.makeCursor()
            try cursor.execute(
                """
                SELECT CAST(-12.50 AS DECIMAL(12,2)) AS a, CAST(999999999999999999 AS DECIMAL(18,0)) AS b,
                CAST(0.0000000001 AS DECIMAL(38,10)) AS c, CAST(12345678901234567890123.5 AS DECIMAL(38,1)) AS d,
                CAST(NULL AS DECIMAL(9,3)) AS e, 7 AS f
                """)
            var checked = false
            try cursor.forEachRowView { view in
                let values = try [0, 1, 2, 4, 5].map { index in
                    try view.scaledDecimal(at: index).map { [$0.unscaled, Int64($0.scale)] }
                }
                #expect(values[0] == [-1250, 2])
                #expect(values[1] == [999_999_999_999_999_999, 0])
                #expect(values[2] == [1, 10])
                #expect(databaseError { _ = try view.scaledDecimal(at: 3) }?.kind == .typeMismatch)
                #expect(values[3] == nil)
                #expect(values[4] == [7, 0])
                checked = true
            }
            #expect(checked)
        }
    }

    @Test("timestamps of rows on different days, repeated and alternating, decode to their own dates")
    func timestampsAcrossDays() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let cursor = try connection.makeCursor()
            let stamps = [
                "2024-02-29 13:45:30.123456", "2024-02-29 23:59:59.999999", "1900-01-01 00:00:00",
                "2024-02-29 00:00:00", "9999-12-31 23:59:59", "0001-01-01 00:00:00", "2024-03-01 00:00:00",
            ]
            let selects = stamps.enumerated().map {
                "SELECT \($0.offset) AS i, CAST('\($0.element)' AS DATETIME2) AS ts"
            }
            try cursor.execute(selects.joined(separator: " UNION ALL ") + " ORDER BY i")
            let rows = try cursor.fetchAll()
            try cursor.execute(selects.joined(separator: " UNION ALL ") + " ORDER BY i")
            var viewed: [SQLTimestamp?] = []
            try cursor.forEachRowView { viewed.append(try $0.timestamp(at: 1)) }
            #expect(viewed.count == stamps.count)
            #expect(viewed == rows.map { try? RowViewConversion.timestamp($0[1], 1) })
            #expect(viewed[0]?.date == SQLDate(year: 2024, month: 2, day: 29))
            #expect(viewed[2]?.date == SQLDate(year: 1900, month: 1, day: 1))
            #expect(viewed[4]?.date == SQLDate(year: 9999, month: 12, day: 31))
            #expect(viewed[6]?.date == SQLDate(year: 2024, month: 3, day: 1))
        }
    }

    @Test("typed accessors refuse other types and columns out of range")
    func mismatches() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT N'text' AS s, 7 AS i")
            var checked = false
            try cursor.forEachRowView { view in
                #expect(databaseError { _ = try view.int64(at: 0) }?.kind == .typeMismatch)
                #expect(databaseError { _ = try view.timestamp(at: 1) }?.kind == .typeMismatch)
                let double = try view.double(at: 1)
                let decimal = try view.decimal(at: 1)
                let text = try view.get(String.self, "S")
                #expect(double == 7)
                #expect(decimal == SQLDecimal(7))
                #expect(databaseError { _ = try view.value(at: 2) }?.kind == .misuse)
                #expect(text == "text")
                checked = true
            }
            #expect(checked)
            #expect(databaseError { try cursor.forEachRowView { _ in } } == nil)
        }
    }
}
