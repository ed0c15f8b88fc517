import DBCore
import Synchronization

/// A statement sent with ``PGConnection/sendAhead(_:)`` whose result is still to be read.
package struct PGPendingRows {
    let stream: PGResultStream
}

extension PGConnection {
    /// Sends one statement without parameters (extended protocol, binary results) and returns without waiting
    /// for its result, so that the server runs it while the caller works: the TDS sandbox encodes one `FETCH`
    /// batch while PostgreSQL produces the next. Read the result with ``receiveRows(_:)``. Until then the
    /// connection is busy: any other statement on it (from any cursor), `commit()` or `rollback()` first reads
    /// and drops the pending result. Package-only.
    package func sendAhead(_ sql: String) throws -> PGPendingRows {
        try withIdleHandle { handle in
            cancelRequested.store(false, ordering: .sequentiallyConsistent)
            try handle.sendParameterized(sql, try PQParameters([]))
            let stream = PGResultStream(statement: sql, lookahead: nil)
            activeStream = stream
            return PGPendingRows(stream: stream)
        }
    }

    /// The rows of a statement sent ahead, as one batch (`nil` when it returned no result set); throws its
    /// error, or `.misuse` when another statement took the connection first.
    package func receiveRows(_ pending: PGPendingRows) throws -> PGRowBatch? {
        guard let result = try pull(pending.stream) else { return nil }
        // Read to the statement's end, which frees the connection.
        while try pull(pending.stream) != nil {}
        guard result.hasRows else { return nil }
        let described = result.describedColumns()
        return PGRowBatch(
            result: result, first: 0, decoders: described.decoders, binary: described.binary, count: result.rowCount)
    }
}
