import SQLLexing
import Testing

@testable import TDSSandbox

@Suite("T-SQL tokenizer and splitter")
struct TranslationTokenizerTests {
    @Test func tokenizesStringsIdentifiersVariablesAndComments() throws {
        let tokens = try TSQLTokenizer.tokenize(
            "SELECT N'it''s', 'x', [my col]], x], \"q\"\"id\", @p1, @@ROWCOUNT, 0x0aFF, 1.5e3 -- note\n/* a /* nested */ c */ FROM t"
        )
        #expect(
            tokens.map(\.kind) == [
                .word, .string(isUnicode: true), .symbol, .string(isUnicode: false), .symbol, .quotedIdentifier,
                .symbol,
                .quotedIdentifier, .symbol, .variable, .symbol, .systemVariable, .symbol, .binary, .symbol, .number,
                .word,
                .word,
            ])
        #expect(tokens[1].text == "it's")
        #expect(tokens[5].text == "my col], x")
        #expect(tokens[7].text == "q\"id")
        #expect(tokens[9].text == "@p1")
        #expect(tokens[13].text == "0aFF")
        #expect(tokens[15].text == "1.5e3")
        #expect(tokens[16].line == 2)
    }

    @Test func twoCharacterOperators() throws {
        let tokens = try TSQLTokenizer.tokenize("a<>b>=c!=d<=e")
        #expect(tokens.filter { $0.kind == .symbol }.map(\.text) == ["<>", ">=", "!=", "<="])
    }

    @Test func unclosedStringAndComment() {
        #expect(throws: SQLServerMessage.self) { try TSQLTokenizer.tokenize("SELECT 'abc") }
        do {
            _ = try TSQLTokenizer.tokenize("SELECT 1\n/* never closed")
            Issue.record("expected an error")
        } catch {
            #expect(error.number == 113)
        }
        do {
            _ = try TSQLTokenizer.tokenize("\nSELECT 'abc")
            Issue.record("expected an error")
        } catch {
            #expect(error.number == 105)
            #expect(error.line == 2)
        }
    }

    private func split(_ sql: String) throws -> [TSQLStatementNode] {
        try TSQLStatementSplitter.split(try TSQLTokenizer.tokenize(sql))
    }

    private func firstWords(_ nodes: [TSQLStatementNode]) -> [String] {
        nodes.map { node in
            if case .simple(let tokens) = node { return tokens[0].text.uppercased() }
            if case .block = node { return "BLOCK" }
            return "IF"
        }
    }

    @Test func splitsWithoutSemicolonsAndTracksLines() throws {
        let nodes = try split(
            """
            CREATE TABLE t (id int, name nvarchar(10))
            INSERT t VALUES (1, 'a') SELECT * FROM t
            UPDATE t SET name = 'b' WHERE id IN (SELECT id FROM t)
            SET NOCOUNT ON;
            DELETE FROM t
            """)
        #expect(firstWords(nodes) == ["CREATE", "INSERT", "SELECT", "UPDATE", "SET", "DELETE"])
        #expect(nodes.map(\.line) == [1, 2, 2, 3, 4, 5])
    }

    @Test func setOptionsEndBeforeTheNextStatement() throws {
        let nodes = try split(
            "SET NOCOUNT ON\nINSERT T VALUES (3)\nSET XACT_ABORT OFF DELETE FROM T SET ANSI_NULLS ON UPDATE T SET a = 1"
        )
        #expect(firstWords(nodes) == ["SET", "INSERT", "SET", "DELETE", "SET", "UPDATE"])
    }

    @Test func continuesInsertSelectUnionAndCaseEnd() throws {
        let nodes = try split(
            """
            INSERT INTO t (a) SELECT 1 UNION ALL SELECT 2
            SELECT CASE WHEN 1 = 1 THEN 'x' ELSE 'y' END AS c
            SELECT 3
            """)
        #expect(firstWords(nodes) == ["INSERT", "SELECT", "SELECT"])
    }

    @Test func ifElseAndBlocks() throws {
        let nodes = try split(
            """
            IF OBJECT_ID('t', 'U') IS NOT NULL DROP TABLE t
            IF 1 = 1 BEGIN SELECT 1 SELECT 2 END ELSE SELECT 3
            BEGIN TRAN
            COMMIT
            """)
        #expect(firstWords(nodes) == ["IF", "IF", "BEGIN", "COMMIT"])
        guard case .ifElse(_, let then, let otherwise, _) = nodes[1], case .block(let inner, _) = then else {
            Issue.record("expected IF with a block")
            return
        }
        #expect(inner.count == 2)
        #expect(otherwise != nil)
    }

    @Test func unterminatedBlockIsASyntaxError() {
        #expect(throws: SQLServerMessage.self) { try split("BEGIN SELECT 1") }
    }
}
