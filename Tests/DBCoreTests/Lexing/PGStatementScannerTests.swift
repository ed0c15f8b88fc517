import SQLLexing
import Testing

/// The one PostgreSQL lexer (module SQLLexing): quoting forms and multiple-statement detection.
@Suite("SQLLexing: PostgreSQL scanner")
struct PGStatementScannerTests {
    func tokens(_ sql: String) -> [(PGStatementScanner.Kind, String)] {
        let bytes = Array(sql.utf8)
        var result: [(PGStatementScanner.Kind, String)] = []
        var index = 0
        while index < bytes.count {
            let token = PGStatementScanner.token(in: bytes, at: index)
            #expect(token.range.lowerBound == index)
            result.append((token.kind, String(decoding: bytes[token.range], as: UTF8.self)))
            index = token.range.upperBound
        }
        return result
    }

    @Test("E strings take backslash escapes, plain strings do not; dollar quotes and $n are told apart")
    func quoting() {
        let found = tokens(#"E'a\'b' 'c\' ne'x' $$d;$$ $t$e$t$ $1 a$b$"#).filter { $0.0 != .whitespace }
        #expect(found.map(\.1) == [#"E'a\'b'"#, #"'c\'"#, "ne", "'x'", "$$d;$$", "$t$e$t$", "$", "1", "a$b$"])
        #expect(
            found.map(\.0) == [.string, .string, .word, .string, .dollarQuoted, .dollarQuoted, .symbol, .word, .word])
    }

    @Test("a semicolon followed by more SQL outside quotes and comments means several statements")
    func multipleStatements() {
        for sql in ["SELECT 1; SELECT 2", "SELECT 1;SELECT 2;", "SELECT ';'; SELECT 2", "SELECT 1; /* c */ x"] {
            #expect(PGStatementScanner.containsMultipleStatements(sql), "\(sql)")
        }
        for sql in [
            "SELECT 1", "SELECT 1;", "SELECT 1; ;  -- trailing", "SELECT ';x'", "SELECT \"a;b\"", "SELECT $$;x$$",
            "SELECT 1 /* ; x */", "SELECT E'\\';x'", "SELECT 1; /* x",
        ] {
            #expect(!PGStatementScanner.containsMultipleStatements(sql), "\(sql)")
        }
    }

    @Test("unclosed quotes and comments run to the end and say so")
    func unterminated() {
        for sql in ["'abc", "E'a\\'", "\"a", "$x$ abc", "/* a /* */"] {
            let token = PGStatementScanner.token(in: Array(sql.utf8), at: 0)
            #expect(token.isUnterminated, "\(sql)")
            #expect(token.range.upperBound == sql.utf8.count, "\(sql)")
        }
    }
}
