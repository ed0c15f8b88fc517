import DBCore
import Synchronization

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
                // DISCARD ALL cannot run inside a transaction block (nor in a multi-statement query string, which
                // is an implicit one): end the transaction first, on its own.
                try runReset("ROLLBACK", handle)
                try runReset("DISCARD ALL", handle)
            case .idle:
                try runReset("DISCARD ALL", handle)
            case .busy, .unknown:
                throw failure(nil, statement: "DISCARD ALL")
            }
            autocommitEnabled = false
            statementCache.invalidateAll(serverDropped: true)
        }
    }

    /// Runs one command and fails unless it succeeded. Call under `lock`.
    private func runReset(_ sql: String, _ handle: PQHandle) throws {
        let result = handle.exec(sql)
        guard let result, result.kind == .command else { throw failure(result, statement: sql) }
    }
}
