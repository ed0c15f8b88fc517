import DBCore
import Foundation
import PGDriver
import Testing

@Suite("PGDriver binding")
struct PGBindingTests {
    @Test("%s, %(name)s with a repeated name, %% and interpolation")
    func placeholderStyles() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("SELECT %s::int4 + %s::int4, 'a' || %s", [2, 3, "b"])
        #expect(try cursor.fetchOne().map { Array($0.values) } == [.int(5), .string("ab")])
        try cursor.execute("SELECT %(x)s::int4 * %(x)s::int4 + %(y)s::int4", ["x": 4, "y": 1])
        #expect(try cursor.fetchOne()?[0] == .int(17))
        try cursor.execute("SELECT 10 %% 3, %s::text", ["p"])
        #expect(try cursor.fetchOne().map { Array($0.values) } == [.int(1), .string("p")])
        let name = "it's"
        try cursor.execute("SELECT \(bind: name) || \(bind: 1)::text, \(bind: nil as Int?)::int4")
        #expect(try cursor.fetchOne().map { Array($0.values) } == [.string("it's1"), .null])
    }

    @Test("placeholders inside literals, comments, quoted identifiers and dollar quotes are left alone")
    func placeholdersInQuotedText() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute(
            """
            SELECT '%s' AS "weird %s col", $$ %s $$ AS dollar, $tag$ %(x)s $tag$ AS tagged, -- %s comment
              /* %s */ %s::text AS real
            """, ["value"])
        let row = try #require(try cursor.fetchOne())
        #expect(Array(row.values) == [.string("%s"), .string(" %s "), .string(" %(x)s "), .string("value")])
        #expect(cursor.columns?.map(\.name) == ["weird %s col", "dollar", "tagged", "real"])
    }

    @Test("injection strings are stored verbatim and the table survives")
    func injection() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("inventory")
        try connection.run("CREATE TABLE \(table) (id serial PRIMARY KEY, name text)")
        let attacks = [
            "'); DROP TABLE \(table); --", "Robert'); DROP TABLE students;--", "\\'; SELECT 1; --",
            "$$; DROP TABLE x; $$",
        ]
        let cursor = try connection.makeCursor()
        for attack in attacks {
            try cursor.execute("INSERT INTO \(table) (name) VALUES (%s)", [attack])
            try cursor.execute("INSERT INTO \(unsafeRaw: table) (name) VALUES (\(bind: attack))" as SQLQuery)
        }
        try cursor.execute("SELECT name FROM \(table) ORDER BY id")
        let names = try cursor.fetchAll().map { try $0.get(String.self, at: 0) }
        #expect(names == attacks.flatMap { [$0, $0] })
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(Int64(attacks.count * 2)))
        try connection.run("DROP TABLE \(table)")
    }

    @Test("a wrong parameter count is an invalidParameters error")
    func wrongCount() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        #expect(databaseError { try cursor.execute("SELECT %s, %s", [1]) }?.kind == .invalidParameters)
        #expect(databaseError { try cursor.execute("SELECT %(a)s", ["b": 1]) }?.kind == .invalidParameters)
    }

    @Test("executeMany prepares once and totals rowCount; mixed types still work")
    func executeMany() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("many")
        try connection.run("CREATE TABLE \(table) (id int8 PRIMARY KEY, name text, price numeric(10,2))")
        let cursor = try connection.makeCursor()
        let sets: [[(any SQLValueEncodable)?]] = (1...50).map { (i: Int) in [i, "item \(i)", SQLDecimal("\(i).25")!] }
        try cursor.executeMany("INSERT INTO \(table) VALUES (%s, %s, %s)", sets)
        #expect(cursor.rowCount == 50)
        // The first set has NULL and a small integer; a later one a 64-bit integer.
        try cursor.executeMany(
            "INSERT INTO \(table) VALUES (%(id)s, %(name)s, NULL)",
            [["id": 100, "name": nil], ["id": Int64(1) << 40, "name": "big"]])
        #expect(cursor.rowCount == 2)
        try cursor.execute("UPDATE \(table) SET price = price + 1 WHERE id <= %s", [10])
        #expect(cursor.rowCount == 10)
        #expect(try connection.scalar("SELECT sum(price) FROM \(table)") == .decimal(SQLDecimal("1297.50")!))
        #expect(try connection.scalar("SELECT name FROM \(table) WHERE id = %s", [Int64(1) << 40]) == .string("big"))
        try connection.run("DROP TABLE \(table)")
    }
}
