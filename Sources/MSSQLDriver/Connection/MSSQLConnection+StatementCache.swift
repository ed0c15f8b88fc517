import DBCore
import Foundation

extension MSSQLConnection {
    /// Runs before preparing a statement with parameters that runs again and again: `0` prepares at the first
    /// run, `nil` never prepares. Starts as the configuration's `options` say (`prepare_threshold`, 5 by default,
    /// with at most `prepared_max` statements kept, 100 by default); setting `nil` drops the statements already
    /// prepared (unprepared on the server before the next statement).
    public var prepareThreshold: Int? {
        get { withState { statementCache.threshold } }
        set { withState { statementCache.setThreshold(newValue) } }
    }

    /// What the automatic prepared-statement cache has done on this connection (hits, misses, statements
    /// prepared, evicted and invalidated, and how many it holds now).
    public var statementCacheStatistics: StatementCacheStatistics {
        withState { statementCache.currentStatistics }
    }

    /// Sends `statement` (with parameters) and calls `start` to read its first results: as `sp_executesql`, or,
    /// once the statement ran `prepareThreshold` times, by the handle of a prepared statement (`sp_execute`).
    ///
    /// A handle the server reports unknown (error 8179: the session lost it, the statement did not run) is
    /// forgotten. With autocommit on, the statement is then prepared again and run once more, invisibly; with it
    /// off the error reaches the caller (under `SET XACT_ABORT ON` the server may have rolled the open
    /// transaction back with it, and a rerun would silently run outside it), and the next run prepares afresh.
    /// Handles the cache let go are unprepared first. Call with the handle from ``withHandle(owner:claim:_:)``
    /// (under `lock`).
    func runParameterized(_ statement: BoundStatement, on handle: DBLibHandle, start: () throws -> Void) throws {
        let sql = statement.sql
        let arguments = try statement.parameters.map(MSSQLParameterEncoder.encode)
        let text = MSSQLParameterEncoder.statement(statement, arguments)
        if statementCache.hasPendingRelease {
            try handle.unprepare(statementCache.takePendingRelease())
        }
        // The statement run last by handle, again: its `@params` text is not even built (only the retry needs it).
        if let prepared = statementCache.repeatedHandle(sql: text, arguments: arguments) {
            return try execute(
                prepared, text, MSSQLParameterEncoder.declarations, arguments, on: handle, statement: sql, start: start)
        }
        let declarations = MSSQLParameterEncoder.declarations(arguments)
        guard statementCache.isEnabled else {
            try Self.sendExecuteSQL(text, declarations, arguments, on: handle, statement: sql)
            return try start()
        }
        switch statementCache.plan(sql: text, declarations: declarations, arguments: arguments) {
        case .unprepared:
            try Self.sendExecuteSQL(text, declarations, arguments, on: handle, statement: sql)
            try start()
        case .prepare:
            let prepared = try handle.prepare(text, declarations: declarations, statement: sql)
            statementCache.didPrepare(sql: text, declarations: declarations, prepared)
            try handle.sendExecute(prepared, arguments, statement: sql)
            try start()
        case .execute(let prepared):
            try execute(prepared, text, { _ in declarations }, arguments, on: handle, statement: sql, start: start)
        }
    }

    /// Runs prepared statement `prepared` (of `text` with the `@params` text `declarations(arguments)`, made only
    /// if needed) by handle, and calls `start`. A handle the server reports unknown is forgotten, and with
    /// autocommit on the statement is prepared again and run once more (see
    /// ``runParameterized(_:on:start:)``).
    private func execute(
        _ prepared: Int32, _ text: String, _ declarations: ([EncodedParameter]) -> String,
        _ arguments: [EncodedParameter], on handle: DBLibHandle, statement sql: String, start: () throws -> Void
    ) throws {
        do {
            try handle.sendExecute(prepared, arguments, statement: sql)
            try start()
        } catch let error as DatabaseError where Self.isUnknownHandle(error, prepared) {
            let declarations = declarations(arguments)
            statementCache.invalidate(sql: text, declarations: declarations, release: false)
            guard autocommitEnabled else { throw error }
            let fresh = try handle.prepare(text, declarations: declarations, statement: sql)
            statementCache.didPrepare(sql: text, declarations: declarations, fresh)
            try handle.sendExecute(fresh, arguments, statement: sql)
            try start()
        }
    }

    /// Whether `error` says the server has no prepared statement `handle`.
    private static func isUnknownHandle(_ error: DatabaseError, _ handle: Int32) -> Bool {
        error.number == DBLibHandle.unknownHandleError && error.message.contains("\(handle)")
    }

    /// Sends `text` as `sp_executesql` with its declarations and arguments (`@P1`, `@P2`, …).
    private static func sendExecuteSQL(
        _ text: String, _ declarations: String, _ arguments: [EncodedParameter], on handle: DBLibHandle,
        statement: String
    ) throws {
        var parameters = [
            RPCParameter(name: "@stmt", value: MSSQLParameterEncoder.string(text)),
            RPCParameter(name: "@params", value: MSSQLParameterEncoder.string(declarations)),
        ]
        parameters.reserveCapacity(arguments.count + 2)
        for (index, value) in arguments.enumerated() {
            parameters.append(RPCParameter(name: "@P\(index + 1)", value: value))
        }
        try handle.sendRPC("sp_executesql", parameters, statement: statement)
    }

    /// After `sp_reset_connection` succeeded: the server dropped every prepared statement. Call under `lock`.
    func serverDroppedPreparedStatements() {
        statementCache.invalidateAll(serverDropped: true)
    }
}
