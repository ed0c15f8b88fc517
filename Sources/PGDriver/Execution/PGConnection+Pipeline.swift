import DBCore

extension PGConnection {
    /// How many parameter sets may be in flight before the client reads results: keeps both sides' socket
    /// buffers from filling up (libpq in blocking mode would otherwise deadlock with the server).
    static let pipelineWindow = 512

    /// Sends every set in one pipeline (Sync at the end) and reads the results in order. Call under `lock`.
    ///
    /// The first failing set stops the sending; the sets queued after it are skipped by the server
    /// (`PGRES_PIPELINE_ABORTED`). The error names the failing set's 0-based index. Transactions: with
    /// autocommit off everything runs in the transaction `beginIfNeeded` opened (a failure leaves it failed);
    /// with autocommit on the pipeline is one implicit transaction, committed at the Sync, so a failure rolls
    /// back every set.
    func runPipelined(_ handle: PQHandle, sql: String, sets: [PQParameters], preparedTypes: [UInt32]?) throws -> Int {
        try DatabaseError.checkNoNUL(in: sql, what: "the SQL text", statement: sql)
        guard handle.enterPipelineMode() else { throw handle.clientError(statement: sql) }
        var state = PipelineState(prepared: preparedTypes != nil)
        if let preparedTypes, !handle.sendPrepareUnnamed(sql, types: preparedTypes) {
            handle.exitPipelineMode()
            throw handle.clientError(statement: sql)
        }
        let window = PGConnection.pipelineWindow
        var sent = 0
        for parameters in sets {
            if state.failure != nil { break }
            let queued =
                preparedTypes != nil
                ? handle.sendExecUnnamed(parameters) : handle.sendQueryWithParameters(sql, parameters)
            guard queued else { break }
            sent += 1
            if sent % window == 0 {
                guard handle.pipelineFlush() else { break }
                while state.nextLabel < sent - window {
                    try readResult(handle, &state, sql: sql)
                }
            }
        }
        let synced = handle.pipelineSync()
        while state.nextLabel < sent {
            try readResult(handle, &state, sql: sql)
        }
        if synced {
            // The Sync's own result ends the pipeline.
            while let result = handle.nextPipelineResult(), !result.isPipelineSync {}
        }
        handle.exitPipelineMode()
        if let (error, index) = state.failure {
            guard index >= 0 else { throw error }
            var failure = error
            failure.message = "parameter set \(index) failed: \(error.message)"
            throw failure
        }
        guard synced, sent == sets.count else { throw handle.clientError(statement: sql) }
        return state.total
    }

    /// Reads the next queued query's result into `state`. Call under `lock`.
    private func readResult(_ handle: PQHandle, _ state: inout PipelineState, sql: String) throws {
        guard let result = handle.nextPipelineResult() else {
            handle.exitPipelineMode()
            throw handle.clientError(statement: sql)
        }
        let label = state.nextLabel
        state.nextLabel += 1
        if result.isPipelineAborted { return }
        if result.isError {
            if state.failure == nil { state.failure = (failure(result, statement: sql), label) }
        } else {
            state.total += result.affectedRows ?? 0
        }
    }
}

/// The bookkeeping of one pipelined executeMany.
struct PipelineState {
    /// The label of the next result to read: -1 for the prepare, then each set's 0-based index.
    var nextLabel: Int
    /// Affected rows so far.
    var total = 0
    /// The first error and the label of the query that raised it.
    var failure: (DatabaseError, Int)?

    init(prepared: Bool) { nextLabel = prepared ? -1 : 0 }
}
