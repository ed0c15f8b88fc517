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
        var output = ""
        output.reserveCapacity(tokenizer.bytes.count)
        var copied = 0
        for token in tokenizer.tokens {
            guard case .parameter(let number) = token.kind, positions.contains(number) else { continue }
            output += tokenizer.text(copied..<token.range.lowerBound)
            output += "NULL"
            copied = token.range.upperBound
        }
        output += tokenizer.text(copied..<tokenizer.bytes.count)
        return output
    }
}
