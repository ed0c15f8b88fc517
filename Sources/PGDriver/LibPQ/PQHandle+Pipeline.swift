import CLibPQ
import DBCore

/// libpq's pipeline mode (libpq 14+): many queries sent without waiting, results read in order.
extension PQHandle {
    /// Enters pipeline mode; `false` when libpq refuses (a query is in flight).
    func enterPipelineMode() -> Bool {
        guard let connection else { return false }
        return PQenterPipelineMode(connection) == 1
    }

    /// Leaves pipeline mode (all results must have been read).
    @discardableResult
    func exitPipelineMode() -> Bool {
        guard let connection else { return false }
        return PQexitPipelineMode(connection) == 1
    }

    /// Sends a Sync: the end of the pipeline's implicit transaction, and where an aborted pipeline resumes.
    func pipelineSync() -> Bool {
        guard let connection else { return false }
        return PQpipelineSync(connection) == 1
    }

    /// Asks the server to send the results produced so far, and sends what libpq has queued.
    func pipelineFlush() -> Bool {
        guard let connection else { return false }
        return PQsendFlushRequest(connection) == 1 && PQflush(connection) == 0
    }

    /// Queues preparing `sql` as the unnamed statement.
    func sendPrepareUnnamed(_ sql: String, types: [UInt32]) -> Bool {
        guard let connection else { return false }
        return PQsendPrepare(connection, "", sql, Int32(types.count), types) == 1
    }

    /// Queues running the unnamed prepared statement with `parameters` (binary results).
    func sendExecUnnamed(_ parameters: PQParameters) -> Bool {
        guard let connection else { return false }
        // The count read outside the closure, which then does not capture (retain) the parameters' arrays.
        let count = Int32(parameters.count)
        return parameters.withArrays { values, lengths, formats in
            PQsendQueryPrepared(connection, "", count, values, lengths, formats, 1)
        } == 1
    }

    /// Queues running `sql` with `parameters` on its own (no prepared statement).
    func sendQueryWithParameters(_ sql: String, _ parameters: PQParameters) -> Bool {
        guard let connection else { return false }
        return parameters.withArrays { values, lengths, formats in
            PQsendQueryParams(
                connection, sql, Int32(parameters.count), parameters.types, values, lengths, formats, 1)
        } == 1
    }

    /// The result of the next queued query, having consumed the `NULL` that ends it; a Sync's result
    /// (`PGRES_PIPELINE_SYNC`) has no such `NULL`. `nil` when the connection broke.
    func nextPipelineResult() -> PQResult? {
        guard let connection, let pointer = PQgetResult(connection) else { return nil }
        let result = PQResult(pointer)
        if result.status != PGRES_PIPELINE_SYNC, let end = PQgetResult(connection) {
            // A single statement has one result; anything else is dropped.
            PQclear(end)
        }
        return result
    }
}
