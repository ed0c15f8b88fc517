import DBCore
import SQLLexing

/// Writes `NULL` in place of the placeholders whose value is NULL.
///
/// A parameter always has a declared type, and no T-SQL type converts implicitly to every other one: a NULL sent
/// as `NVARCHAR(4000)` cannot go into a `VARBINARY` column on SQL Server (error 257), and the TDS sandbox also
/// refuses it for `BIT`, numeric and date columns. The literal `NULL` takes the type of wherever it is used, as
/// pymssql's client-side `NULL` does. Only whole placeholder tokens outside string literals, quoted or bracketed
/// identifiers and comments are replaced (``TSQLTokenizer``); the parameter itself is still declared and sent (as
/// NULL), so the numbering of the others does not change.
enum MSSQLNullInlining {
    /// `sql` with each `@Pn` token whose 1-based `n` is in `positions` replaced by `NULL`.
    static func inline(_ sql: String, positions: Set<Int>) -> String {
        guard !positions.isEmpty else { return sql }
        let tokenizer = TSQLTokenizer(sql)
        let placeholders = tokenizer.tokens.compactMap { token -> StatementLayout.Placeholder? in
            guard case .parameter(let number) = token.kind else { return nil }
            return StatementLayout.Placeholder(range: token.range, position: number)
        }
        return replacing(tokenizer.bytes, placeholders, positions)
    }

    /// ``inline(_:positions:)`` for a statement that may carry its layout: the placeholders the DB-API rewriting
    /// wrote are taken from it, so the statement is not lexed again.
    static func inline(_ statement: BoundStatement, positions: Set<Int>) -> String {
        guard !positions.isEmpty else { return statement.sql }
        guard let layout = statement.layout else { return inline(statement.sql, positions: positions) }
        return replacing(Array(statement.sql.utf8), layout.placeholders, positions)
    }

    private static func replacing(
        _ bytes: [UInt8], _ placeholders: [StatementLayout.Placeholder], _ positions: Set<Int>
    ) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        for placeholder in placeholders where positions.contains(placeholder.position) {
            output += bytes[copied..<placeholder.range.lowerBound]
            output += "NULL".utf8
            copied = placeholder.range.upperBound
        }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }
}
