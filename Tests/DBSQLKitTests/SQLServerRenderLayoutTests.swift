import DBCore
import DBSQLKit
import SQLKit
import Testing

/// A statement SQLKit builds for SQL Server is lexed once on the client: the final pass's lexer pass records where
/// the `@Pn` placeholders are, and the bound statement carries that to the driver.
@Suite("DBSQLKit: the rendered statement carries its layout")
struct SQLServerRenderLayoutTests {
    let db = DBSQLDatabase.rendering(for: .sqlServer)

    @Test("the layout points at each @Pn of the finished T-SQL text")
    func placeholders() throws {
        let statement = try db.render(
            db.update("planets").set("name", to: SQLBind("O'Neil")).where("id", .equal, SQLBind(3))
                .where("note", .equal, SQLLiteral.string("@P9")).query)
        #expect(statement.sql == "UPDATE [planets] SET [name] = @P1 WHERE [id] = @P2 AND [note] = N'@P9'")
        let layout = try #require(statement.layout)
        let bytes = Array(statement.sql.utf8)
        #expect(layout.placeholders.map { String(decoding: bytes[$0.range], as: UTF8.self) } == ["@P1", "@P2"])
        #expect(layout.placeholders.map(\.position) == [1, 2])
        #expect(!layout.containsMultipleStatements)
    }

    @Test("raw SQL is sent as written, without a layout (the driver lexes it)")
    func raw() throws {
        #expect(try db.render(SQLRaw("SELECT 1; SELECT 2")).layout == nil)
    }
}
