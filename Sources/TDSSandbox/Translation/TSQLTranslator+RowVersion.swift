extension TSQLTranslator {
    /// What a `rowversion` column's storage type is followed by: a value from the database-wide counter.
    static let rowVersionDefault = " DEFAULT tds_sandbox.next_rowversion()"

    /// Whether the cursor stands on the type `rowversion` or `timestamp` (T-SQL's old name for it, which takes
    /// no arguments — `timestamp(…)` is no T-SQL type).
    static func startsRowVersionType(_ cursor: TSQLTokenCursor) -> Bool {
        guard let token = cursor.current, token.isWord("ROWVERSION") || token.isWord("TIMESTAMP") else { return false }
        return cursor.peek(1)?.isSymbol("(") != true
    }

    /// Reads `rowversion`/`timestamp`: stored and declared as `binary(8)` (as SQL Server reports it to clients),
    /// set from an increasing counter (`tds_sandbox.next_rowversion()`: microseconds, strictly increasing within a
    /// session, 8 bytes big-endian as SQL Server's) on every insert and update by the table's row trigger
    /// (``CatalogTable/roundingTriggerSQL``).
    static func readRowVersionType(_ cursor: inout TSQLTokenCursor) -> TSQLType {
        _ = cursor.next()
        return .binary(8)
    }
}
