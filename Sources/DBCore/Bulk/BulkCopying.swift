/// A connection that can bulk-insert rows: PostgreSQL's `COPY ... FROM STDIN (FORMAT binary)`, SQL Server's
/// bulk copy (DB-Library `bcp_init` / `bcp_bind` / `bcp_sendrow` / `bcp_done`).
///
/// Rows are streamed: the driver pulls one row at a time from the sequence, encodes it and sends it, so a lazy
/// sequence of any length is copied in constant memory.
///
/// ```swift
/// let rows = (1...1_000_000).lazy.map { i -> [SQLValue] in [.int(Int64(i)), .string("item \(i)")] }
/// let copied = try connection.bulkInsert(into: "items", columns: ["id", "name"], rows: rows)
/// ```
///
/// ## Batches and what is committed
///
/// The rows go in batches of ``BulkCopyOptions/batchSize`` rows (one batch when it is `nil`); each batch is one
/// bulk operation on the server (one `COPY` statement, one `bcp_init` … `bcp_done`).
///
/// - **Autocommit off** (the default): every batch runs in the connection's current transaction, and nothing is
///   committed until ``DatabaseConnection/commit()``. When a row fails, the transaction is left failed (on
///   PostgreSQL every earlier batch is lost with it): call ``DatabaseConnection/rollback()``.
/// - **Autocommit on**: each batch commits on its own when it ends. When a row fails, the batches before the
///   failing one stay committed and the failing batch is rolled back entirely; later rows are not sent.
///
/// ## Errors
///
/// A failure is a ``DatabaseError`` whose message starts with `bulk copy failed at row N (batch B)`, where `N`
/// is the 0-based index of the failing row in the input sequence and `B` the 0-based batch; ``DatabaseError/detail``
/// adds how many rows were committed before it. The server's code (SQLSTATE, error number) and kind are kept.
///
/// ## Drivers
///
/// - PostgreSQL (PGDriver): `COPY table (columns) FROM STDIN (FORMAT binary)`, one `COPY` per batch; the server
///   reports the failing row as a line number of that `COPY`, turned into the input's row index.
/// - SQL Server (MSSQLDriver): per batch, `bcp_init(table, DB_IN)`, `bcp_bind` per column (types from the table's
///   metadata), `bcp_sendrow` per row (a value that cannot be converted names its row) and `bcp_done` (a failure
///   reported by the server names the batch's first row); with autocommit on, each batch runs in its own
///   transaction so that a failing batch rolls back whole.
public protocol BulkCopying: DatabaseConnection {
    /// Copies the rows of `source` into `columns` of `table`, streaming them in batches; returns the number of rows
    /// copied.
    ///
    /// Each row has one value per column, in the order of `columns`. The driver converts each value to its
    /// column's type (queried once before the first row); a value that does not fit fails with
    /// ``DatabaseError/Kind/typeMismatch`` naming the row and column.
    func bulkInsert<Source: BulkRowSource>(
        into table: BulkTableName, columns: [String], from source: Source, options: BulkCopyOptions
    ) throws -> Int
}

extension BulkCopying {
    /// Copies rows of values, one value per column in the order of `columns`, pulled lazily from `rows`.
    @inlinable
    @inline(__always)
    @discardableResult
    public func bulkInsert<Rows: Sequence>(
        into table: BulkTableName, columns: [String], rows: Rows, options: BulkCopyOptions = BulkCopyOptions()
    ) throws -> Int where Rows.Element == [SQLValue] {
        try bulkInsert(into: table, columns: columns, from: BulkIteratorRows(rows), options: options)
    }

    /// Copies `Encodable` rows: each row's coding keys name its columns, and `columns` says which to copy and in
    /// what order. A key that is absent (a `nil` optional) copies as NULL; values encode through
    /// ``SQLValueEncodable`` (or their `Codable` single value: raw-value enums, wrappers).
    ///
    /// ```swift
    /// struct Item: Encodable { var id: Int; var name: String; var price: Decimal? }
    /// try connection.bulkInsert(into: "items", columns: ["id", "name", "price"], encoding: items)
    /// ```
    @discardableResult
    public func bulkInsert<Rows: Sequence>(
        into table: BulkTableName, columns: [String], encoding rows: Rows, options: BulkCopyOptions = BulkCopyOptions()
    ) throws -> Int where Rows.Element: Encodable {
        try bulkInsert(
            into: table, columns: columns, from: BulkEncodedRows(rows, columns: columns), options: options)
    }
}
