import DBCore
import Testing

@Suite("PlaceholderLexer")
struct PlaceholderLexerTests {
    func plan(_ sql: String, _ dialect: SQLDialect = .postgresql) throws -> PlaceholderLexer.Plan {
        try PlaceholderLexer.plan(sql, dialect: dialect)
    }

    /// Expects an `.invalidParameters` error whose message contains every string of `mentions`.
    func expectInvalid(
        _ mentions: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as DatabaseError {
            #expect(error.kind == .invalidParameters, sourceLocation: sourceLocation)
            #expect(error.statement != nil, sourceLocation: sourceLocation)
            for text in mentions {
                #expect(
                    error.message.contains(text), "'\(error.message)' should mention '\(text)'",
                    sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func positionalPerDialect() throws {
        let sql = "INSERT INTO inventory (name, quantity) VALUES (%s, %s);"
        let pg = try plan(sql)
        #expect(pg.sql == "INSERT INTO inventory (name, quantity) VALUES ($1, $2);")
        #expect(pg.style == .positional(2))
        let ms = try plan(sql, .sqlServer)
        #expect(ms.sql == "INSERT INTO inventory (name, quantity) VALUES (@P1, @P2);")
        #expect(ms.style == .positional(2))
        let many = try plan(Array(repeating: "%s", count: 12).joined(separator: ","))
        #expect(many.sql.hasSuffix("$10,$11,$12"))
    }

    @Test func namedRepeatsShareAPosition() throws {
        let sql = "UPDATE t SET a = %(q)s, b = %(n)s WHERE c = %(q)s OR d = %(other_name1)s"
        let pg = try plan(sql)
        #expect(pg.sql == "UPDATE t SET a = $1, b = $2 WHERE c = $1 OR d = $3")
        #expect(pg.style == .named(["q", "n", "other_name1"]))
        let ms = try plan(sql, .sqlServer)
        #expect(ms.sql == "UPDATE t SET a = @P1, b = @P2 WHERE c = @P1 OR d = @P3")
    }

    @Test func doublePercentIsALiteralPercent() throws {
        let result = try plan("SELECT name FROM t WHERE name LIKE 'a%' || %s || '%%' AND x = 10 %% 3")
        #expect(result.sql == "SELECT name FROM t WHERE name LIKE 'a%' || $1 || '%%' AND x = 10 % 3")
        #expect(try plan("SELECT 5 %% 2").style == .none)
        #expect(try plan("SELECT 5 %% 2").sql == "SELECT 5 % 2")
    }

    @Test func stringLiteralsAreData() throws {
        #expect(try plan("SELECT '%s', 'it''s %s', %s").sql == "SELECT '%s', 'it''s %s', $1")
        #expect(try plan("SELECT N'%s ''%d''', %s", .sqlServer).sql == "SELECT N'%s ''%d''', @P1")
        // PostgreSQL escape strings: \' does not end the literal.
        #expect(try plan(#"SELECT E'a\'%s', e'\\', %s"#).sql == #"SELECT E'a\'%s', e'\\', $1"#)
        // Outside an E string a backslash is an ordinary character, so '\' is a complete literal.
        #expect(try plan(#"SELECT '\', %s"#).sql == #"SELECT '\', $1"#)
        // An identifier ending in E before a quote is not an escape string prefix.
        #expect(try plan(#"SELECT xE'\', %s"#).sql == #"SELECT xE'\', $1"#)
    }

    @Test func quotedIdentifiersAreData() throws {
        #expect(try plan(#"SELECT "a%s""b", %s FROM "%d""#).sql == #"SELECT "a%s""b", $1 FROM "%d""#)
        #expect(try plan("SELECT [a%s]]b], %s FROM [%d]", .sqlServer).sql == "SELECT [a%s]]b], @P1 FROM [%d]")
    }

    @Test func bracketsAreArraysInPostgreSQL() throws {
        let result = try plan("SELECT arr[%s], ARRAY[1, %s]")
        #expect(result.sql == "SELECT arr[$1], ARRAY[1, $2]")
        #expect(result.style == .positional(2))
    }

    @Test func commentsAreData() throws {
        let result = try plan("SELECT %s -- not %s or %d\n, %s /* outer /* inner %s */ still %d */ , %s")
        #expect(result.sql == "SELECT $1 -- not %s or %d\n, $2 /* outer /* inner %s */ still %d */ , $3")
        #expect(try plan("SELECT 1 -- trailing %d").style == .none)
        #expect(try plan("SELECT 1 - %s", .sqlServer).sql == "SELECT 1 - @P1")
    }

    @Test func dollarQuotesInPostgreSQL() throws {
        #expect(try plan("SELECT $$%s 'x$$, %s").sql == "SELECT $$%s 'x$$, $1")
        #expect(try plan("SELECT $fn$ %d $$ %s $fn$, %s").sql == "SELECT $fn$ %d $$ %s $fn$, $1")
        // $1 is a parameter, not a dollar quote; a$b$ is an identifier.
        #expect(try plan("SELECT $1, %s").sql == "SELECT $1, $1")
        #expect(try plan("SELECT a$b$, %s, c$d$").sql == "SELECT a$b$, $1, c$d$")
        #expect(try plan("SELECT a$b$, %s, c$d$").style == .positional(1))
        // SQL Server has no dollar quotes: $$ is ordinary text.
        #expect(try plan("SELECT '$$', $$ %s $$", .sqlServer).sql == "SELECT '$$', $$ @P1 $$")
    }

    @Test func sqlServerQuotingRulesDifferFromPostgreSQL() throws {
        // In SQL Server a backslash never escapes, even after E.
        #expect(try plan(#"SELECT E'\', %s"#, .sqlServer).sql == #"SELECT E'\', @P1"#)
        // In PostgreSQL [ is not a quote, so the %s inside it is a placeholder.
        #expect(try plan("SELECT [%s]").sql == "SELECT [$1]")
    }

    @Test func mixedStylesAreRejected() {
        expectInvalid(["mixes"]) { _ = try plan("SELECT %s, %(a)s") }
        expectInvalid(["mixes"]) { _ = try plan("SELECT %(a)s, %s") }
    }

    @Test func malformedPlaceholdersAreRejected() {
        expectInvalid(["'%d'", "character 8"]) { _ = try plan("SELECT %d") }
        expectInvalid(["lone '%'"]) { _ = try plan("SELECT 5 %") }
        expectInvalid(["unterminated '%('", "character 8"]) { _ = try plan("SELECT %(name") }
        expectInvalid(["%(name)s"]) { _ = try plan("SELECT %(name)d") }
        expectInvalid(["empty name"]) { _ = try plan("SELECT %()s") }
    }

    @Test func bindPositional() throws {
        let bound = try PlaceholderLexer.bind(
            "SELECT %s, %s", positional: [.int(1), .string("x")], dialect: .sqlServer)
        #expect(bound == BoundStatement(sql: "SELECT @P1, @P2", parameters: [.int(1), .string("x")]))
        let none = try PlaceholderLexer.bind("SELECT 100 %% 7", positional: [], dialect: .postgresql)
        #expect(none == BoundStatement(sql: "SELECT 100 % 7"))
        expectInvalid(["2 %s placeholder(s)", "3 parameter(s)"]) {
            _ = try PlaceholderLexer.bind(
                "SELECT %s, %s", positional: [.int(1), .int(2), .int(3)], dialect: .postgresql)
        }
        expectInvalid(["1 %s placeholder(s)", "0 parameter(s)"]) {
            _ = try PlaceholderLexer.bind("SELECT %s", positional: [], dialect: .postgresql)
        }
        expectInvalid(["0 %s placeholder(s)", "1 parameter(s)"]) {
            _ = try PlaceholderLexer.bind("SELECT 1", positional: [.null], dialect: .postgresql)
        }
        expectInvalid(["dictionary"]) {
            _ = try PlaceholderLexer.bind("SELECT %(a)s", positional: [.null], dialect: .postgresql)
        }
    }

    @Test func bindNamed() throws {
        let bound = try PlaceholderLexer.bind(
            "SELECT %(b)s, %(a)s, %(b)s", named: ["a": .int(1), "b": .string("x"), "unused": .null],
            dialect: .postgresql)
        #expect(bound == BoundStatement(sql: "SELECT $1, $2, $1", parameters: [.string("x"), .int(1)]))
        expectInvalid(["no value for parameter 'missing'"]) {
            _ = try PlaceholderLexer.bind("SELECT %(a)s, %(missing)s", named: ["a": .int(1)], dialect: .sqlServer)
        }
        expectInvalid(["array"]) {
            _ = try PlaceholderLexer.bind("SELECT %s", named: ["a": .int(1)], dialect: .sqlServer)
        }
        let none = try PlaceholderLexer.bind("SELECT 1", named: ["a": .int(1)], dialect: .sqlServer)
        #expect(none == BoundStatement(sql: "SELECT 1"))
    }

    @Test func nonASCIITextPassesThrough() throws {
        #expect(try plan("SELECT 'héllo %s 🍌', %s, \"naïve\"").sql == "SELECT 'héllo %s 🍌', $1, \"naïve\"")
    }
}
