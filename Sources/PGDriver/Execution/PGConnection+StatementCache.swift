import DBCore
import Foundation
import SQLLexing

extension PGConnection {
    /// Runs before preparing a statement (one statement with parameters) that runs again and again: `0`
    /// prepares at the first run, `nil` never prepares (for PgBouncer-style transaction pooling). Starts as
    /// `StatementCacheSettings` read from the configuration's `options` say (5 by default); setting
    /// `nil` drops the statements already prepared.
    public var prepareThreshold: Int? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return statementCache.threshold
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            statementCache.setThreshold(newValue)
        }
    }

    /// What the automatic prepared-statement cache has done on this connection (hits, misses, statements
    /// prepared, evicted and invalidated, and how many it holds now).
    public var statementCacheStatistics: StatementCacheStatistics {
        lock.lock()
        defer { lock.unlock() }
        return statementCache.currentStatistics
    }

    /// Sends `statement` (through the statement cache when it is one statement with parameters) and returns its
    /// first result, and the name of the prepared statement that ran (`nil`: unprepared); with `streaming`, in
    /// single-row mode. A prepared statement the server reports stale
    /// ("cached plan must not change result type", SQLSTATE 0A000) or gone (26000) is prepared again and run
    /// once more when no transaction block is open (the failed run changed nothing); inside one, the error
    /// stands (the transaction is aborted) and the statement is prepared afresh next time. Call under `lock`.
    func send(
        _ statement: BoundStatement, _ handle: PQHandle, streaming: Bool
    ) throws -> (PQResult?, prepared: String?) {
        let sql = statement.sql
        if statement.parameters.isEmpty {
            // The DB-API rewriting's lexer pass already knows (the layout); else the one scan of the statement.
            if statement.layout?.containsMultipleStatements ?? PGStatementScanner.containsMultipleStatements(sql) {
                try handle.sendSimple(sql)
            } else {
                try handle.sendParameterized(sql, PQParameters())
            }
            return (try firstResult(handle, streaming: streaming, sql: sql), nil)
        }
        // Encoded into the connection's arrays in place (no allocation, and no local copy whose three arrays are
        // released after every statement). Values too large to keep (a blob) are not held on to between statements.
        defer {
            if parameterScratch.retainedBytes > PQParameters.retainedBytesLimit { parameterScratch = PQParameters() }
        }
        return try sendWithParameters(statement, handle, streaming: streaming, &parameterScratch)
    }

    /// ``send(_:_:streaming:)`` for a statement with parameters, encoded into `parameters`. Call under `lock`.
    private func sendWithParameters(
        _ statement: BoundStatement, _ handle: PQHandle, streaming: Bool, _ parameters: inout PQParameters
    ) throws -> (PQResult?, prepared: String?) {
        try parameters.encode(statement.parameters)
        return try sendEncoded(statement.sql, handle, streaming: streaming, &parameters)
    }

    /// Sends `sql` with `parameters`, encoded already, through the statement cache, and reads the first result;
    /// returns it and the name of the prepared statement that ran (`nil`: unprepared). Call under `lock`.
    func sendEncoded(
        _ sql: String, _ handle: PQHandle, streaming: Bool, _ parameters: inout PQParameters
    ) throws -> (PQResult?, prepared: String?) {
        // One access to the cache (a switched-off cache answers `.unprepared` and counts nothing).
        switch statementCache.plan(sql: sql, types: parameters.types) {
        case .unprepared:
            try handle.sendParameterized(sql, parameters)
            return (try firstResult(handle, streaming: streaming, sql: sql), nil)
        case .prepare(let name):
            try prepare(PGStatementCache.Key(sql: sql, types: parameters.types), name: name, handle)
            try handle.sendPrepared(name: name, parameters, statement: sql)
            return (try firstResult(handle, streaming: streaming, sql: sql), name)
        case .execute(let name):
            try handle.sendPrepared(name: name, parameters, statement: sql)
            let first = try firstResult(handle, streaming: streaming, sql: sql)
            return try executed(first, name: name, sql, handle, streaming: streaming, &parameters)
        }
    }

    /// After the prepared statement `name` was sent with `parameters` and its first result `first` read: `first`,
    /// unless the server reports the statement stale ("cached plan must not change result type", SQLSTATE 0A000)
    /// or gone (26000) outside a transaction block; then it is prepared again under a fresh name and sent once
    /// more, and that run's first result is returned. Call under `lock`.
    func executed(
        _ first: PQResult?, name: String, _ sql: String, _ handle: PQHandle, streaming: Bool,
        _ parameters: inout PQParameters
    ) throws -> (PQResult?, prepared: String?) {
        guard let first, first.kind == .error, let state = first.sqlState, state == "0A000" || state == "26000"
        else { return (first, name) }
        drain(handle)
        let key = PGStatementCache.Key(sql: sql, types: parameters.types)
        statementCache.invalidate(key)
        guard handle.transactionState == .idle else { return (first, name) }
        maintainStatementCache(handle)
        let fresh = statementCache.freshName()
        try prepare(key, name: fresh, handle)
        try handle.sendPrepared(name: fresh, parameters, statement: sql)
        return (try firstResult(handle, streaming: streaming, sql: sql), fresh)
    }

    /// Prepares `key` as `name` and records it; throws the statement's error (syntax, unknown table, an aborted
    /// transaction) as running it unprepared would. Call under `lock`.
    private func prepare(_ key: PGStatementCache.Key, name: String, _ handle: PQHandle) throws {
        let result = handle.prepare(name: name, sql: key.sql, types: key.types)
        guard let result, result.kind == .command else { throw failure(result, statement: key.sql) }
        statementCache.didPrepare(key, name: name, inTransaction: handle.transactionState != .idle)
    }

    /// Turns on single-row mode when `streaming`, then reads the first result. Call under `lock`.
    private func firstResult(_ handle: PQHandle, streaming: Bool, sql: String) throws -> PQResult? {
        if streaming, !handle.enableSingleRowMode() {
            drain(handle)
            throw DatabaseError(kind: .other, message: "libpq refused single-row mode", statement: sql)
        }
        return handle.nextResult()
    }

    /// Outside a transaction block: drops the statements prepared in a transaction whose end went unseen (as if
    /// rolled back) and deallocates the statements the cache let go. Cheap when there is nothing to do. Call under
    /// `lock`, before a statement.
    func maintainStatementCache(_ handle: PQHandle) {
        guard statementCache.needsMaintenance, handle.transactionState == .idle else { return }
        statementCache.transactionEnded(committed: false)
        handle.deallocate(statementCache.takePendingDeallocation())
    }

    /// Applies what a finished command did to the prepared statements (`COMMIT`, `ROLLBACK`, `DISCARD ALL`,
    /// `DEALLOCATE ALL`, `ALTER`, `DROP`). Call under `lock` with each command result.
    func noteCommand(_ result: PQResult) {
        guard result.kind == .command else { return }
        statementCache.apply(result.sessionEffect)
    }
}
