import DBCore

extension PGConnection {
    /// Returns the session to a fresh connection's state for the next user of a pooled connection: rolls back an
    /// open (or failed) transaction, then runs `DISCARD ALL`, which drops temporary tables, prepared statements,
    /// cursors, advisory locks and `LISTEN`s, and resets every `SET` to the values the connection started with.
    /// Autocommit is off again afterwards, as on a new connection. One round trip when no transaction is open.
    public func resetSession() throws {
        try withIdleHandle { handle in
            cancelRequested.store(false, ordering: .sequentiallyConsistent)
            switch handle.transactionState {
            case .open, .failed:
                // DISCARD ALL cannot run inside a transaction block: end it first, in the same round trip.
                try runReset("ROLLBACK; DISCARD ALL", handle)
            case .idle:
                try runReset("DISCARD ALL", handle)
            case .busy, .unknown:
                throw failure(nil, statement: "DISCARD ALL")
            }
            autocommitEnabled = false
        }
    }

    /// Sends `sql` (several statements, simple protocol) and fails on the first error. Call under `lock`.
    private func runReset(_ sql: String, _ handle: PQHandle) throws {
        try handle.sendSimple(sql)
        var firstError: DatabaseError?
        var sawResult = false
        while let result = handle.nextResult() {
            sawResult = true
            if result.kind == .error, firstError == nil { firstError = failure(result, statement: sql) }
        }
        if let firstError { throw firstError }
        if !sawResult || !handle.isHealthy { throw failure(nil, statement: sql) }
    }
}
