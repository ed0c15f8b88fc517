import DBCore
import Testing

/// `%s`, `%(name)s` and interpolation bind values as parameters: SQL injection strings are stored verbatim.
@Suite("Conformance: parameter binding")
struct BindingConformanceTests {
    static let hostile = [
        "'; DROP TABLE students; --", "Robert'); DROP TABLE students;--", "\" OR \"\"=\"", "' OR '1'='1",
        "%s %(name)s %% $1 @P1 ? :x", "/* comment */ -- dash", "\\'; SELECT 1; --", "N'unicode' 😈",
    ]

    @Test("injection strings are stored and found verbatim", arguments: Backend.allCases)
    func injection(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let table = try conn.makeTable("inj", "id INTEGER PRIMARY KEY, v \(backend.type(.text))")
            defer { _ = try? conn.run("DROP TABLE \(table)") }
            let cursor = try conn.cursor()
            try cursor.executeMany(
                "INSERT INTO \(table) (id, v) VALUES (%s, %s)",
                Self.hostile.enumerated().map { [$0.offset, $0.element] })
            try cursor.execute("SELECT v FROM \(table) ORDER BY id")
            #expect(try cursor.fetchAll().map { $0[0] } == Self.hostile.map { .string($0) })
            for (index, text) in Self.hostile.enumerated() {
                try cursor.execute("SELECT id FROM \(table) WHERE v = %(v)s", ["v": text])
                #expect(try cursor.fetchAll().map { $0[0] } == [.int(Int64(index))])
            }
            #expect(try conn.scalar("SELECT COUNT(*) FROM \(table)") == .int(Int64(Self.hostile.count)))
        }
    }

    @Test("%s, %(name)s with a repeated name, %% and interpolation", arguments: Backend.allCases)
    func styles(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let cursor = try conn.cursor()
            // `%%` is a literal `%` (here the modulo operator); inside a string literal `%` is never special.
            try cursor.execute("SELECT %s AS a, %s AS b, 5 %% 3 AS c, '100%' AS d", [1, "x"])
            #expect(
                try cursor.fetchAll().map { Array($0.values) } == [[.int(1), .string("x"), .int(2), .string("100%")]])
            try cursor.execute("SELECT %(n)s AS a, %(n)s + 1 AS b, %(s)s AS c", ["n": 41, "s": "named"])
            #expect(try cursor.fetchAll().map { Array($0.values) } == [[.int(41), .int(42), .string("named")]])
            let name = "it's"
            try cursor.execute("SELECT \(bind: name) AS a, \(bind: 7) AS b" as SQLQuery)
            #expect(try cursor.fetchAll().map { Array($0.values) } == [[.string("it's"), .int(7)]])
            #expect(databaseError { try cursor.execute("SELECT %s, %s", [1]) }?.kind == .invalidParameters)
        }
    }
}
