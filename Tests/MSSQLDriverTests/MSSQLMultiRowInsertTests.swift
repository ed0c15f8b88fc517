import DBCore
import Foundation
import SQLLexing
import Testing

@testable import MSSQLDriver

/// executeMany's multi-row fast path: which statements take it (``MSSQLMultiRowInsert``), and its behaviour on the
/// real sandbox — values, NULLs, empty strings, chunk boundaries, all-or-nothing chunks and their errors.
@Suite("MSSQLDriver executeMany: multi-row INSERT fast path", .dropsTestObjects)
struct MSSQLMultiRowInsertTests {
    @Test("plain INSERT … VALUES (…) statements are recognised, and the row renders with renumbered placeholders")
    func recognised() throws {
        let cases = [
            "INSERT INTO t (a, b) VALUES (@P1, @P2)",
            "insert t values (@p1, @p2);",
            "INSERT INTO [dbo].[my table] ([a], \"b\") VALUES (@P1, @P2) ; ;",
            "INSERT INTO db..t VALUES (@P1, N'x', -1.5, NULL, DEFAULT, 0x1F, 'it''s VALUES (') -- done",
            "/* c */ INSERT INTO #tmp (a) VALUES (@P2)\n",
        ]
        for sql in cases {
            #expect(MSSQLMultiRowInsert(sql) != nil, "\(sql)")
        }
        let insert = try #require(MSSQLMultiRowInsert("INSERT INTO t (a, b) VALUES (@P1, '@P2', @P2) -- @P1"))
        #expect(insert.head == "INSERT INTO t (a, b) VALUES ")
        var text = insert.head
        insert.row.render(into: &text, offset: 0) { $0 == 2 ? "NULL" : nil }
        text += ", "
        insert.row.render(into: &text, offset: 2) { _ in nil }
        #expect(text == "INSERT INTO t (a, b) VALUES (@P1, '@P2', NULL), (@P3, '@P2', @P4)")
    }

    @Test("other statements are not taken for a plain INSERT")
    func notRecognised() {
        let cases = [
            "INSERT INTO t SELECT @P1",
            "INSERT INTO t (a) SELECT @P1 FROM u",
            "INSERT INTO t (a) OUTPUT inserted.a VALUES (@P1)",
            "INSERT INTO t WITH (TABLOCK) (a) VALUES (@P1)",
            "INSERT INTO t (a) VALUES (@P1), (@P2)",
            "INSERT INTO t (a) VALUES (@P1); SELECT 1",
            "INSERT INTO t (a) VALUES (@P1) INSERT INTO u (a) VALUES (@P1)",
            "INSERT INTO t (a) VALUES (@P1 + 1)",
            "INSERT INTO t (a) VALUES (UPPER(@P1))",
            "INSERT INTO @t (a) VALUES (@P1)",
            "INSERT INTO t DEFAULT VALUES",
            "UPDATE t SET a = @P1",
            "SELECT 'INSERT INTO t VALUES (@P1)'",
            "EXEC p @P1",
            "INSERT INTO t (a) VALUES (@P1",
        ]
        for sql in cases {
            #expect(MSSQLMultiRowInsert(sql) == nil, "\(sql)")
        }
    }

    @Test("the tokenizer keeps literals, identifiers and comments whole and finds placeholders only outside them")
    func tokenizer() {
        let tokenizer = TSQLTokenizer(
            "SELECT N'@P1''x', [a]]@P2], \"@P3\", @P4, x@P5, @P06, @@P7 /* @P8 /* */ */ -- @P9")
        let parameters = tokenizer.tokens.compactMap { token -> Int? in
            if case .parameter(let number) = token.kind { return number }
            return nil
        }
        #expect(parameters == [4])
        #expect(
            tokenizer.tokens.map { tokenizer.text($0.range) }.joined()
                == String(decoding: tokenizer.bytes, as: UTF8.self))
        #expect(tokenizer.tokens.filter { $0.kind == .string }.map { tokenizer.text($0.range) } == ["N'@P1''x'"])
        #expect(tokenizer.tokens.filter { $0.kind == .comment }.count == 2)
    }

    @Test("values of every common type, NULLs and empty values round-trip through multi-row INSERTs")
    func types() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("multirow_types")
            try connection.run(
                """
                CREATE TABLE \(table) (id INT, b BIT, i BIGINT, f FLOAT, d DECIMAL(12,2), s NVARCHAR(50), \
                v VARBINARY(20), dt DATE, tm TIME(7), ts DATETIME2(7), tz DATETIMEOFFSET(7), u UNIQUEIDENTIFIER)
                """)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let sql = "INSERT INTO \(table) VALUES (@P1, @P2, @P3, @P4, @P5, @P6, @P7, @P8, @P9, @P10, @P11, @P12)"
            #expect(MSSQLMultiRowInsert(sql) != nil)
            let sets: [[SQLValue]] = (0..<30).map { i in
                let row: [SQLValue] = [
                    .int(Int64(i)), .bool(i % 2 == 0), .int(Int64(i) * 1_000_000_007 - 5), .double(Double(i) / 4),
                    .decimal(SQLDecimal("\(i - 15).5\(i % 10)")!), .string(i % 4 == 1 ? "" : "név \(i) 日本 'q'"),
                    .bytes(i % 4 == 2 ? [] : [UInt8(i), 0, 255]), .date(SQLDate(iso: "2024-02-\(10 + i % 19)")!),
                    .time(SQLTime(iso: "12:34:\(10 + i).5")!),
                    .timestamp(SQLTimestamp(iso: "2024-01-02 03:04:\(10 + i).25")!),
                    .timestampTZ(SQLTimestampTZ(iso: "2024-06-30 23:59:\(10 + i)-08:00")!), .uuid(UUID()),
                ]
                // Every third row has NULLs in every column but the id.
                return i % 3 == 0 ? [row[0]] + Array(repeating: SQLValue.null, count: 11) : row
            }
            let cursor = try connection.makeCursor()
            try cursor.executeMany(sql, parameterSets: sets)
            #expect(cursor.rowCount == 30)
            let rows = try connection.run("SELECT * FROM \(table) ORDER BY id")
            #expect(rows.count == 30)
            for (row, expected) in zip(rows, sets) {
                #expect(row.values == expected, "row \(expected[0])")
            }
        }
    }

    @Test("2,500 rows of 3 columns span several chunks; rowCount is the total")
    func chunks() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("multirow_chunks")
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY, name NVARCHAR(40), amount DECIMAL(12,2))")
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let sets: [[SQLValue]] = (0..<2500).map {
                [.int(Int64($0)), $0 % 11 == 0 ? .null : .string("name \($0)"), .decimal(SQLDecimal("\($0).25")!)]
            }
            let cursor = try connection.makeCursor()
            try cursor.executeMany(
                "INSERT INTO \(table) (id, name, amount) VALUES (@P1, @P2, @P3);", parameterSets: sets)
            #expect(cursor.rowCount == 2500)
            let rows = try connection.run("SELECT id, name, amount FROM \(table) ORDER BY id")
            #expect(rows.map(\.values) == sets)
            // More rows than one VALUES may hold: 1,500 one-column rows make two chunks of at most 1,000.
            let single = RealSandbox.uniqueName("multirow_single")
            try connection.run("CREATE TABLE \(single) (id INT)")
            defer { _ = try? connection.run("DROP TABLE \(single)") }
            try cursor.executeMany(
                "INSERT INTO \(single) VALUES (@P1)", parameterSets: (0..<1500).map { [.int(Int64($0))] })
            #expect(cursor.rowCount == 1500)
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(single)") == .int(1500))
        }
    }

    @Test("a failing row fails its whole chunk, named by its range; earlier chunks stay in autocommit mode")
    func failingChunkAutocommit() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("multirow_fail")
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY, name NVARCHAR(20))")
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            // 2 columns: 500 rows per chunk (1000 parameters: 0…499, …, 1500…1999, 2000…2499); set 1700 repeats id 3.
            var ids = Array(0..<2500)
            ids[1700] = 3
            let cursor = try connection.makeCursor()
            let error = databaseError {
                try cursor.executeMany(
                    "INSERT INTO \(table) (id, name) VALUES (@P1, @P2)",
                    parameterSets: ids.map { [.int(Int64($0)), .string("n\($0)")] })
            }
            #expect(error?.kind == .uniqueViolation)
            #expect(error?.number == 2627)
            #expect(
                error?.message.hasPrefix("parameter sets 1500…1999 (one multi-row INSERT, none inserted) failed: ")
                    == true)
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(1500))
            #expect(try connection.scalar("SELECT MAX(id) FROM \(table)") == .int(1499))
            // The connection is still usable.
            try cursor.executeMany(
                "INSERT INTO \(table) (id, name) VALUES (@P1, @P2)", parameterSets: [[.int(5000), .null]])
            #expect(cursor.rowCount == 1)
        }
    }

    @Test("in a transaction, the chunks before a failing one roll back with it")
    func failingChunkTransaction() async throws {
        try await offPool {
            let setup = try RealSandbox.connect()
            defer { setup.close() }
            let table = RealSandbox.uniqueName("multirow_tx")
            try setup.run("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            defer { _ = try? setup.run("DROP TABLE \(table)") }
            let connection = try RealSandbox.connect(autocommit: false)
            defer { connection.close() }
            var ids = Array(0..<1500)
            ids[1200] = 7
            let cursor = try connection.makeCursor()
            let error = databaseError {
                try cursor.executeMany(
                    "INSERT INTO \(table) VALUES (@P1)", parameterSets: ids.map { [.int(Int64($0))] })
            }
            #expect(error?.number == 2627)
            #expect(error?.message.hasPrefix("parameter sets 1000…1499 ") == true)
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(1000))
            try connection.rollback()
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
        }
    }

    @Test("statements off the fast path keep the per-set batching")
    func otherStatements() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("multirow_other")
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY, name NVARCHAR(40))")
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            let sets: [[SQLValue]] = (0..<5).map { [.int(Int64($0)), .string("n\($0)")] }
            // INSERT … SELECT
            try cursor.executeMany("INSERT INTO \(table) (id, name) SELECT @P1, @P2", parameterSets: sets)
            #expect(cursor.rowCount == 5)
            // A literal holding "VALUES (" and a second statement after the VALUES.
            try cursor.executeMany(
                "INSERT INTO \(table) (id, name) VALUES (@P1, 'x VALUES (' + @P2); UPDATE \(table) SET name = name + '!' WHERE id = @P1",
                parameterSets: [[.int(10), .string("a")], [.int(11), .string("b")]])
            #expect(try connection.scalar("SELECT name FROM \(table) WHERE id = 11") == .string("x VALUES (b!"))
            // An UPDATE.
            try cursor.executeMany(
                "UPDATE \(table) SET name = @P2 WHERE id = @P1",
                parameterSets: [[.int(0), .string("zero")], [.int(1), .null]])
            #expect(cursor.rowCount == 2)
            #expect(try connection.scalar("SELECT name FROM \(table) WHERE id = 0") == .string("zero"))
            // INSERT with OUTPUT: each set's output row is read past; the rows are inserted.
            try cursor.executeMany(
                "INSERT INTO \(table) (id, name) OUTPUT inserted.id VALUES (@P1, @P2)",
                parameterSets: [[.int(20), .string("o")], [.int(21), .string("p")]])
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table) WHERE id >= 20") == .int(2))
            // The per-set path names the failing set and keeps the sets before it.
            let error = databaseError {
                try cursor.executeMany(
                    "INSERT INTO \(table) (id, name) SELECT @P1, @P2",
                    parameterSets: [[.int(30), .null], [.int(31), .null], [.int(0), .null]])
            }
            #expect(error?.message.hasPrefix("parameter set 2 failed: ") == true)
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table) WHERE id IN (30, 31)") == .int(2))
        }
    }
}
