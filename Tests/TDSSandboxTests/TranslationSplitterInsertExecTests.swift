import SQLLexing
import Testing

@testable import TDSSandbox

/// `EXEC` after an INSERT: `INSERT t EXEC p` is one statement, but after `INSERT … VALUES (…)` or `INSERT … SELECT`
/// an EXEC starts the next one (it was taken for part of the INSERT, so its arguments were undeclared: 137).
@Suite("Translation: EXEC after INSERT")
struct TranslationSplitterInsertExecTests {
    private func statements(_ sql: String) throws -> [String] {
        try TSQLStatementSplitter.split(try TSQLTokenizer.tokenize(sql)).map { node in
            guard case .simple(let tokens) = node else { return "?" }
            return tokens.first?.text.uppercased() ?? ""
        }
    }

    @Test func execAfterValuesOrSelectStartsAStatement() throws {
        #expect(
            try statements("INSERT INTO t VALUES (1)\nEXEC sp_executesql N'SELECT @q', N'@q int', @q = 1") == [
                "INSERT", "EXEC",
            ])
        #expect(try statements("INSERT INTO t SELECT 1\nEXEC p") == ["INSERT", "EXEC"])
        #expect(try statements("INSERT INTO t (a) EXEC p 1") == ["INSERT"])
        #expect(try statements("INSERT t EXECUTE p") == ["INSERT"])
    }
}
