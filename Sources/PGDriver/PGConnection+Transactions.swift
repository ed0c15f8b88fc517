import DBCore

extension PGConnection {
    /// Commits the open transaction (`COMMIT`); a no-op when none is open. Committing a failed transaction
    /// rolls it back, as PostgreSQL does.
    public func commit() throws {
        try withIdleHandle { handle in try endTransaction("COMMIT", handle) }
    }

    /// Rolls back the open transaction (`ROLLBACK`); a no-op when none is open. Recovers a transaction that a
    /// failed statement left aborted.
    public func rollback() throws {
        try withIdleHandle { handle in try endTransaction("ROLLBACK", handle) }
    }

    /// Turns autocommit on or off; turning it on commits an open transaction first.
    public func setAutocommit(_ enabled: Bool) throws {
        try withIdleHandle { handle in
            if enabled { try endTransaction("COMMIT", handle) }
            autocommitEnabled = enabled
        }
    }

    /// Sends `sql` when a transaction is open. Call under `lock`.
    private func endTransaction(_ sql: String, _ handle: PQHandle) throws {
        let state = handle.transactionState
        guard state == .open || state == .failed else { return }
        let result = handle.exec(sql)
        guard let result, result.kind == .command else { throw failure(result, statement: sql) }
        noteCommand(result)
    }

    /// Opens a transaction (`BEGIN`) when autocommit is off and none is open. Call under `lock`.
    func beginIfNeeded(_ handle: PQHandle) throws {
        guard !autocommitEnabled, handle.transactionState == .idle else { return }
        let result = handle.exec("BEGIN")
        guard let result, result.kind == .command else { throw failure(result, statement: "BEGIN") }
    }
}
