import DBCore

/// The row loop of one bulk copy: pulls rows from the source, sends them through a ``DBLibBulkCopy``, ends
/// batches, reports progress and turns failures into the errors ``BulkCopying`` documents.
struct BulkCopyRun<Source: BulkRowSource> {
    private var source: Source
    private let columnCount: Int
    private let options: BulkCopyOptions
    /// Whether each batch commits when it ends (autocommit on).
    private let committing: Bool
    private var rowsSent = 0
    private var rowsInBatch = 0
    private var rowsCompleted = 0
    private var batchesCompleted = 0

    init(source: Source, columnCount: Int, options: BulkCopyOptions, committing: Bool) {
        self.source = source
        self.columnCount = columnCount
        self.options = options
        self.committing = committing
    }

    /// The 0-based table column of each copied column, matched exactly, else ignoring case.
    static func ordinals(of columns: [String], in tableColumns: [String], table: String) throws -> [Int] {
        guard !tableColumns.isEmpty else {
            throw DatabaseError(kind: .undefinedTable, message: "table \(table) has no columns")
        }
        var seen = Set<Int>()
        return try columns.map { column in
            let index =
                tableColumns.firstIndex(of: column)
                ?? tableColumns.firstIndex { $0.lowercased() == column.lowercased() }
            guard let index else {
                throw DatabaseError(kind: .undefinedColumn, message: "table \(table) has no column \(column)")
            }
            guard seen.insert(index).inserted else {
                throw DatabaseError.misuse("column \(column) is listed twice in the bulk copy")
            }
            return index
        }
    }

    /// Copies every row into `table` (quoted) on `handle`; returns how many were copied. `ordinals` gives each
    /// copied column's table column and `unicode` which table columns are N-types.
    mutating func copy(handle: DBLibHandle, table: String, ordinals: [Int], unicode: [Bool]) throws -> Int {
        var values = [BulkColumnValue?](repeating: nil, count: unicode.count)
        var copy: DBLibBulkCopy?
        while true {
            let next: [SQLValue]?
            do { next = try source.nextRow() } catch {
                abandon(copy, handle)
                throw error
            }
            guard let row = next else { break }
            if let batchSize = options.batchSize, rowsInBatch == batchSize, let open = copy {
                try endBatch(open, handle)
                copy = nil
            }
            guard row.count == columnCount else {
                abandon(copy, handle)
                throw failure(
                    DatabaseError.misuse("the row has \(row.count) values for \(columnCount) columns"),
                    row: rowsSent, batch: batchesCompleted)
            }
            for (offset, ordinal) in ordinals.enumerated() {
                values[ordinal] = BulkColumnValue.encode(row[offset], unicode: unicode[ordinal])
            }
            do {
                let current = try copy ?? startBatch(handle, table: table, columnCount: unicode.count)
                copy = current
                try current.sendRow(values)
            } catch let error as DatabaseError {
                abandon(copy, handle)
                var error = error
                if error.kind == .other, let number = error.number, (20000..<30000).contains(number) {
                    error.kind = .typeMismatch
                }
                throw failure(error, row: rowsSent, batch: batchesCompleted)
            }
            rowsSent += 1
            rowsInBatch += 1
            if let interval = options.progressInterval, rowsSent % interval == 0 {
                try report(isBatchEnd: false) { abandon(copy, handle) }
            }
        }
        if let copy { try endBatch(copy, handle) }
        return rowsCompleted
    }

    /// Starts a batch: `BEGIN TRAN` when autocommit is on (so the batch can be rolled back whole), then
    /// `bcp_init`.
    private func startBatch(_ handle: DBLibHandle, table: String, columnCount: Int) throws -> DBLibBulkCopy {
        if committing { try handle.runToEnd("BEGIN TRAN") }
        return try DBLibBulkCopy(handle: handle, table: table, columnCount: columnCount)
    }

    /// Ends the open batch (`bcp_done`, then `COMMIT TRAN` when autocommit is on); a failure names the batch's
    /// first row.
    private mutating func endBatch(_ copy: DBLibBulkCopy, _ handle: DBLibHandle) throws {
        do {
            _ = try copy.finish()
            if committing { try handle.runToEnd("IF @@TRANCOUNT > 0 COMMIT TRAN") }
        } catch let error as DatabaseError {
            abandon(copy, handle)
            throw failure(error, row: rowsSent - rowsInBatch, batch: batchesCompleted)
        }
        rowsCompleted += rowsInBatch
        batchesCompleted += 1
        rowsInBatch = 0
        try report(isBatchEnd: true) {}
    }

    /// Gives up the open batch: ends the bulk operation and, when autocommit is on, rolls its transaction back so
    /// none of its rows stay (with autocommit off the caller's transaction holds them until it rolls back).
    private func abandon(_ copy: DBLibBulkCopy?, _ handle: DBLibHandle) {
        copy?.abandon()
        if committing { try? handle.runToEnd("IF @@TRANCOUNT > 0 ROLLBACK TRAN") }
    }

    private func report(isBatchEnd: Bool, onError abandon: () -> Void) throws {
        guard let progress = options.progress else { return }
        do {
            try progress(
                BulkCopyProgress(
                    rowsSent: rowsSent, rowsCompleted: rowsCompleted, batchesCompleted: batchesCompleted,
                    isBatchEnd: isBatchEnd))
        } catch {
            abandon()
            throw error
        }
    }

    /// `error` restated as ``BulkCopying`` documents: the failing row and batch first, what was committed in the
    /// detail; kind and server code kept.
    private func failure(_ error: DatabaseError, row: Int, batch: Int) -> DatabaseError {
        var failed = error
        failed.message = "bulk copy failed at row \(row) (batch \(batch)): \(error.message)"
        let committed = committing ? rowsCompleted : 0
        let note =
            committing
            ? "\(committed) rows in \(batchesCompleted) earlier batches were committed"
            : "no rows were committed (autocommit is off: roll the transaction back)"
        failed.detail = error.detail.map { note + "\n" + $0 } ?? note
        return failed
    }
}
