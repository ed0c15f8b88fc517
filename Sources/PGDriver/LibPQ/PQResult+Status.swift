import CLibPQ

/// The result states that COPY and pipeline code checks, and column types, under Swift names: the code outside
/// `LibPQ/` tests these instead of libpq's `PGRES_*` constants.
extension PQResult {
    /// The server waits for `COPY … FROM STDIN` data (`PGRES_COPY_IN`).
    var isCopyIn: Bool { status == PGRES_COPY_IN }

    /// The server sends `COPY … TO STDOUT` data (`PGRES_COPY_OUT`).
    var isCopyOut: Bool { status == PGRES_COPY_OUT }

    /// The result of a pipeline's Sync (`PGRES_PIPELINE_SYNC`).
    var isPipelineSync: Bool { status == PGRES_PIPELINE_SYNC }

    /// A pipelined query the server skipped after an earlier one failed (`PGRES_PIPELINE_ABORTED`).
    var isPipelineAborted: Bool { status == PGRES_PIPELINE_ABORTED }

    /// The type OID of column `index` (0-based; `PQftype`).
    func columnTypeOID(at index: Int) -> UInt32 { PQftype(pointer, Int32(index)) }
}

extension PQHandle {
    /// The next result as libpq hands it over (`PQgetResult`), COPY states included, or `nil` when all have
    /// arrived or the connection is closed. ``nextResult()`` is the one for ordinary queries.
    func nextRawResult() -> PQResult? {
        guard let connection else { return nil }
        return PQgetResult(connection).map(PQResult.init)
    }

    /// Reads and frees every result still pending, so that the connection is ready for the next query.
    func discardPendingResults() {
        while nextRawResult() != nil {}
    }
}
