import Foundation

/// How a bulk copy runs: its batch size and progress reports. See ``BulkCopying``.
///
/// Not `Sendable`: it holds the progress closure, which runs on the copying thread.
public struct BulkCopyOptions {
    /// Rows per batch (each batch is one `COPY` statement or one `bcp_init` … `bcp_done`); `nil` sends all rows as one
    /// batch. With autocommit on, each batch commits when it ends. Must be at least 1.
    public var batchSize: Int?

    /// Also report progress every this many rows sent (not yet confirmed by the server); `nil` reports only
    /// when a batch ends.
    public var progressInterval: Int?

    /// Called on the copying thread after each batch ends and every ``progressInterval`` rows. Throwing from it
    /// aborts the copy: the current batch is rolled back and the error is rethrown.
    public var progress: ((BulkCopyProgress) throws -> Void)?

    /// Creates options.
    public init(
        batchSize: Int? = nil, progressInterval: Int? = nil, progress: ((BulkCopyProgress) throws -> Void)? = nil
    ) {
        self.batchSize = batchSize
        self.progressInterval = progressInterval
        self.progress = progress
    }

    /// Checks the numbers; throws ``DatabaseError/Kind/misuse`` for a batch size or interval below 1.
    public func validate() throws {
        if let batchSize, batchSize < 1 { throw DatabaseError.misuse("the bulk copy batch size must be at least 1") }
        if let progressInterval, progressInterval < 1 {
            throw DatabaseError.misuse("the bulk copy progress interval must be at least 1")
        }
    }
}

/// Where a bulk copy stands, as reported to ``BulkCopyOptions/progress``.
public struct BulkCopyProgress: Sendable, Hashable {
    /// Rows read from the input and sent so far.
    public var rowsSent: Int
    /// Rows in batches the server has completed (committed, when autocommit is on).
    public var rowsCompleted: Int
    /// Batches the server has completed.
    public var batchesCompleted: Int
    /// Whether this report marks the end of a batch (else it is a ``BulkCopyOptions/progressInterval`` report).
    public var isBatchEnd: Bool

    /// Creates a progress report.
    public init(rowsSent: Int, rowsCompleted: Int, batchesCompleted: Int, isBatchEnd: Bool) {
        self.rowsSent = rowsSent
        self.rowsCompleted = rowsCompleted
        self.batchesCompleted = batchesCompleted
        self.isBatchEnd = isBatchEnd
    }
}

/// The table a bulk copy writes to: a name and an optional schema, both quoted by the driver (so they are
/// names, never SQL).
public struct BulkTableName: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The schema (`dbo`, `public`), or `nil` for the default search path.
    public var schema: String?
    /// The table's name, exactly as stored (case-sensitive once quoted).
    public var name: String

    /// Creates a table name.
    public init(_ name: String, schema: String? = nil) {
        self.name = name
        self.schema = schema
    }

    /// A table name without schema.
    public init(stringLiteral value: String) { self.init(value) }

    /// The name, quoted for `dialect` (`"schema"."name"`, `[schema].[name]`).
    public func quoted(for dialect: SQLDialect) -> String {
        let table = dialect.quoteIdentifier(name)
        guard let schema else { return table }
        return dialect.quoteIdentifier(schema) + "." + table
    }

    /// `schema.name`, unquoted.
    public var description: String { schema.map { "\($0).\(name)" } ?? name }
}

extension SQLDialect {
    /// `name` as a quoted identifier: `"na""me"` (PostgreSQL) or `[na]]me]` (SQL Server).
    public func quoteIdentifier(_ name: String) -> String {
        switch backend {
        case .postgresql: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .sqlServer: return "[" + name.replacingOccurrences(of: "]", with: "]]") + "]"
        }
    }
}
