import DBCore
import Testing

/// The single lexer pass of the DB-API rewriting also records what the driver needs (the native placeholders'
/// positions, several statements or one), and the bound statement carries it to the driver.
@Suite("PlaceholderLexer: the layout the driver reuses")
struct PlaceholderLayoutTests {
    @Test("the layout points at each native placeholder the rewriting wrote, in both dialects")
    func placeholders() throws {
        for dialect in [SQLDialect.postgresql, .sqlServer] {
            let plan = try PlaceholderLexer.plan("SELECT %(a)s, 'é%%s', %(b)s, %(a)s -- %s", dialect: dialect)
            let bytes = Array(plan.sql.utf8)
            let written = plan.layout.placeholders.map { String(decoding: bytes[$0.range], as: UTF8.self) }
            #expect(written == [1, 2, 1].map(dialect.placeholder))
            #expect(plan.layout.placeholders.map(\.position) == [1, 2, 1])
            #expect(!plan.layout.containsMultipleStatements)
        }
    }

    @Test("several statements are found in the same pass, whatever the dialect quotes")
    func statements() throws {
        let cases: [(String, SQLDialect, Bool)] = [
            ("SELECT %s; SELECT 2", .postgresql, true),
            ("SELECT 1; %s", .sqlServer, true),
            ("SELECT %s;  -- done", .postgresql, false),
            ("SELECT $$;x$$, %s", .postgresql, false),
            ("SELECT [a;b], %s", .sqlServer, false),
            ("SELECT 'x;y' /* ; z */", .sqlServer, false),
        ]
        for (sql, dialect, multiple) in cases {
            #expect(
                try PlaceholderLexer.plan(sql, dialect: dialect).layout.containsMultipleStatements == multiple, "\(sql)"
            )
        }
    }

    @Test("a bound statement carries the layout until its SQL changes; equality ignores it")
    func boundStatement() throws {
        var bound = try PlaceholderLexer.bind("SELECT %s", positional: [.int(1)], dialect: .sqlServer)
        #expect(bound.layout?.placeholders.map(\.position) == [1])
        #expect(bound == BoundStatement(sql: "SELECT @P1", parameters: [.int(1)]))
        bound.sql += " + 1"
        #expect(bound.layout == nil)
        #expect(BoundStatement(sql: "SELECT 1").layout == nil)
    }
}
