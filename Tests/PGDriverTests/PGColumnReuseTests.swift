import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

/// A cursor reuses the previous result's column descriptions while the columns stay the same; any difference in
/// name, type, type modifier or source column must give fresh descriptions.
@Suite("PGDriver column description reuse")
struct PGColumnReuseTests {
    private func describe(_ cursor: PGCursor, _ sql: String) throws -> ([ColumnDescription], [SQLValue]) {
        try cursor.execute(sql)
        let row = try #require(try cursor.fetchOne())
        #expect(row.columns.descriptions == cursor.columns)
        return (try #require(cursor.columns), row.values)
    }

    @Test("same columns reuse; another name, type, modifier or source column does not")
    func reuseOnlyWhenEqual() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("colreuse")
        try connection.run("CREATE TABLE \(table) (a int4, b numeric(5,2), c numeric(7,1), d varchar(3))")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        try connection.run("INSERT INTO \(table) VALUES (1, 2.5, 3.5, 'x')")
        let cursor = try connection.makeCursor()
        let (first, _) = try describe(cursor, "SELECT a AS v FROM \(table)")
        let (again, _) = try describe(cursor, "SELECT a AS v FROM \(table)")
        #expect(first == again && first[0].sourceTableID != nil)
        let (renamed, _) = try describe(cursor, "SELECT a AS w FROM \(table)")
        #expect(renamed[0].name == "w")
        let (computed, _) = try describe(cursor, "SELECT a + 0 AS w FROM \(table)")
        #expect(computed[0].sourceTableID == nil && computed[0].nativeTypeName == "int4")
        let (retyped, values) = try describe(cursor, "SELECT d AS w FROM \(table)")
        #expect(retyped[0].nativeTypeName == "varchar" && retyped[0].size == 3 && values == [.string("x")])
        let (numeric52, _) = try describe(cursor, "SELECT b AS w FROM \(table)")
        let (numeric71, sevenOne) = try describe(cursor, "SELECT c::numeric(7,1) AS w FROM \(table) WHERE a = 1")
        #expect(numeric52[0].precision == 5 && numeric52[0].scale == 2)
        #expect(numeric71[0].precision == 7 && numeric71[0].scale == 1 && sevenOne == [.decimal(SQLDecimal("3.5")!)])
        let (textAgain, textValue) = try describe(cursor, "SELECT 'abc'::text AS w")
        #expect(textAgain[0].nativeTypeName == "text" && textValue == [.string("abc")])
    }

    @Test("a column renamed under a prepared statement shows its new name")
    func renamedUnderPreparedStatement() throws {
        var configuration = try TestDatabase.server().configuration(tls: nil)
        configuration.options["prepare_threshold"] = "0"
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        try connection.setAutocommit(true)
        let other = try TestDatabase.connect()
        defer { other.close() }
        let table = TestDatabase.uniqueName("colrename")
        try other.run("CREATE TABLE \(table) (id int4, name text)")
        defer { _ = try? other.run("DROP TABLE \(table)") }
        try other.run("INSERT INTO \(table) VALUES (1, 'one')")
        let cursor = try connection.makeCursor()
        for expected in ["name", "name", "label"] {
            if expected == "label" { try other.run("ALTER TABLE \(table) RENAME COLUMN name TO label") }
            try cursor.execute("SELECT * FROM \(table) WHERE id = %s", [1])
            #expect(cursor.columns?.map(\.name) == ["id", expected])
            #expect(try cursor.fetchOne()?[expected] == .string("one"))
        }
    }
}
