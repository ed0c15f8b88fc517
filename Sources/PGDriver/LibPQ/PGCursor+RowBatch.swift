import DBCore

/// The rows of one libpq result of a ``PGCursor`` (say, one `FETCH n` of a server-side cursor), handed over at
/// once so that a reader walks them by index: no per-row bookkeeping in the cursor. Package-only, for the TDS
/// sandbox; no pointer leaves PGDriver.
package struct PGRowBatch {
    let result: PQResult
    let first: Int
    let decoders: [PQColumnDecoder]
    let binary: [Bool]

    /// The number of rows.
    package let count: Int

    /// Row `index` (0-based within the batch) as a view on libpq's buffers.
    @inline(__always)
    package func row(_ index: Int) -> PGRowView {
        PGRowView(result: result, row: Int32(first + index), decoders: decoders, binary: binary)
    }
}

extension PGCursor {
    /// The rows of the current result set left in the current libpq result, as one batch that counts as fetched
    /// (``fetchOne()`` then returns the row after them); `nil` when none is left. A buffered result gives all its
    /// remaining rows, a streamed one (single-row mode) one row per batch.
    package func nextRowBatch() throws -> PGRowBatch? {
        try checkOpen()
        guard columns != nil else { throw DatabaseError.misuse("no result set: the last statement returned no rows") }
        guard try refill(), let current else { return nil }
        let count = current.rowCount - rowIndex
        let batch = PGRowBatch(
            result: current, first: rowIndex, decoders: decoders, binary: binaryColumns, count: count)
        rowIndex += count
        rowsSeen += count
        return batch
    }
}
