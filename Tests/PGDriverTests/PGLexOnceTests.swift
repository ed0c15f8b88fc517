import DBCore
import PGDriver
import Testing

/// A statement is lexed once on the client: whether it holds several statements (simple protocol) or one
/// (extended protocol) comes from the DB-API rewriting's pass when there was one; the driver scans only statements
/// that did not come through it.
@Suite("PGDriver: a statement is lexed once")
struct PGLexOnceTests {
    @Test("the driver follows the layout of a rewritten statement instead of scanning it again")
    func followsLayout() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()

        // Rewritten through DB-API with no values: the layout says "several", so the simple protocol runs both.
        try cursor.execute("SELECT 1 AS a; SELECT '%%' AS b", [])
        #expect(try cursor.fetchAll().map { $0[0] } == [.int(1)])
        #expect(try cursor.nextResultSet())
        #expect(try cursor.fetchOne()?["b"] == .string("%%"))  // inside a literal `%%` stays as written

        // A layout that says "one statement" for two: had the driver scanned the text again it would have used the
        // simple protocol; following the layout, the extended protocol refuses the second statement.
        let forged = BoundStatement(
            sql: "SELECT 1; SELECT 2", parameters: [],
            layout: StatementLayout(placeholders: [], containsMultipleStatements: false))
        #expect(throws: DatabaseError.self) { try cursor.execute(forged) }

        // Without a layout (not rewritten), the driver scans the text itself.
        try cursor.execute(BoundStatement(sql: "SELECT 1; SELECT 2"))
        #expect(try cursor.nextResultSet())
        #expect(try cursor.fetchOne()?[0] == .int(2))
    }
}
