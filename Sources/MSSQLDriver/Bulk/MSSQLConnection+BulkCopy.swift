import DBCore

extension MSSQLConnection: BulkCopying {
    /// Copies rows into `table` with DB-Library's bulk copy: `bcp_init(table, DB_IN)`, `bcp_bind` and
    /// `bcp_sendrow` per row, `bcp_batch` every `BulkCopyOptions.batchSize` rows and `bcp_done` at the end.
    ///
    /// The table's columns are read first (`SELECT * … WHERE 1 = 0`); each of `columns` is matched to one of them
    /// (exactly, else ignoring case) and the table's other columns receive NULL (or their IDENTITY value).
    /// FreeTDS converts each value to its column's type; a value that does not fit fails at its row with
    /// `DatabaseError.Kind.typeMismatch`. DB-Library's bcp cannot send a zero-length value: an empty string or
    /// binary value is stored as NULL. A failure the server reports when a batch ends (a constraint) names the
    /// batch's first row. See `BulkCopying` for what stays committed.
    ///
    /// Each batch is its own `bcp_init` … `bcp_done`; with autocommit on it runs inside `BEGIN TRAN` … `COMMIT
    /// TRAN`, so a failing batch is rolled back whole even though DB-Library cannot drop rows it already sent.
    public func bulkInsert<Source: BulkRowSource>(
        into table: BulkTableName, columns: [String], from source: Source, options: BulkCopyOptions
    ) throws -> Int {
        try options.validate()
        guard !columns.isEmpty else { throw DatabaseError.misuse("a bulk copy needs at least one column") }
        let committing = autocommit
        let name = table.quoted(for: .sqlServer)
        var run = BulkCopyRun(source: source, columnCount: columns.count, options: options, committing: committing)
        return try withHandle(claim: true) { handle in
            let tableColumns = try handle.columnTypes(ofTable: name)
            let ordinals = try BulkCopyRun<Source>.ordinals(
                of: columns, in: tableColumns.map(\.name), table: table.description)
            let unicode = tableColumns.map { BulkColumnValue.isUnicode(columnType: $0.type) }
            return try run.copy(handle: handle, table: name, ordinals: ordinals, unicode: unicode)
        }
    }
}
