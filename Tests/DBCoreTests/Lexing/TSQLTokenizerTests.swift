import SQLLexing
import Testing

/// The one T-SQL lexer (module SQLLexing) on its own: byte ranges that cover the text, the token kinds both
/// MSSQLDriver and the TDS sandbox rely on, and unterminated tokens.
@Suite("SQLLexing: T-SQL tokenizer")
struct TSQLTokenizerTests {
    func kinds(_ sql: String) -> [TSQLTokenizer.Kind] {
        TSQLTokenizer(sql).tokens.filter { !$0.isTrivia }.map(\.kind)
    }

    @Test("tokens cover the text without gaps, trivia included, and keep non-ASCII text whole")
    func coverage() {
        let sql = "SELECT N'é''x' AS [ü]]n], \"q\" -- c\n/* a /* b */ c */ FROM t\u{00A0}WHERE x <> 1.5e3;"
        let tokenizer = TSQLTokenizer(sql)
        var end = 0
        for token in tokenizer.tokens {
            #expect(token.range.lowerBound == end)
            end = token.range.upperBound
        }
        #expect(end == tokenizer.bytes.count)
        #expect(tokenizer.tokens.map { tokenizer.text($0.range) }.joined() == sql)
        let texts = tokenizer.tokens.filter { !$0.isTrivia }.map { tokenizer.text($0.range) }
        #expect(
            texts == ["SELECT", "N'é''x'", "AS", "[ü]]n]", ",", "\"q\"", "FROM", "t", "WHERE", "x", "<>", "1.5e3", ";"])
    }

    @Test("variables, system functions, @Pn placeholders, binary literals and numbers are told apart")
    func kindsOfWords() {
        #expect(
            kinds("@x @@ROWCOUNT @P1 @p12 @P0 @P01 @Px 0x1F 42 .5 1e5 1e #tmp $x")
                == [
                    .variable, .systemVariable, .parameter(1), .parameter(12), .variable, .variable, .variable, .binary,
                    .number, .number, .number, .number, .word, .word, .symbol, .word,
                ])
    }

    @Test("two-character operators are one symbol; comments win over operators")
    func operators() {
        let tokenizer = TSQLTokenizer("a<=b%=c::d-1--x\n/=/*y*/")
        let symbols = tokenizer.tokens.filter { $0.kind == .symbol }.map { tokenizer.text($0.range) }
        #expect(symbols == ["<=", "%=", "::", "-", "/="])
        #expect(tokenizer.tokens.filter { $0.kind == .comment }.count == 2)
    }

    @Test("unclosed strings, identifiers and comments run to the end and say so")
    func unterminated() {
        for sql in ["SELECT 'abc", "SELECT N'a''", "SELECT [a", "SELECT \"a", "SELECT 1 /* a /* b */"] {
            let last = TSQLTokenizer(sql).tokens.last
            #expect(last?.isUnterminated == true, "\(sql)")
            #expect(last?.range.upperBound == sql.utf8.count, "\(sql)")
        }
        #expect(TSQLTokenizer("SELECT 'a''b' -- open '").tokens.allSatisfy { !$0.isUnterminated })
    }

    @Test("keywords match in any case; symbols match a single byte")
    func keywordsAndSymbols() {
        let tokenizer = TSQLTokenizer("insert INTO t(")
        let tokens = tokenizer.tokens.filter { !$0.isTrivia }
        #expect(tokenizer.isKeyword(tokens[0], "INSERT"))
        #expect(tokenizer.isKeyword(tokens[1], "into"))
        #expect(!tokenizer.isKeyword(tokens[2], "TO"))
        #expect(tokenizer.isSymbol(tokens[3], "("))
    }
}
