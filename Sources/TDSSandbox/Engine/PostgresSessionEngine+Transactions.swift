import DBCore

extension PostgresSessionEngine {
    /// The savepoint taken before each statement inside a transaction, so that (with `XACT_ABORT OFF`) a failing
    /// statement rolls back only itself, as in SQL Server.
    static let statementSavepoint = "tds_sandbox_statement"

    /// Runs `body` inside a statement savepoint when a transaction is open.
    func inStatementSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard state.tranCount > 0, !state.xactAbort, !state.transactionDoomed else { return try body() }
        try runSilently("SAVEPOINT \(Self.statementSavepoint)")
        do {
            let result = try body()
            try runSilently("RELEASE SAVEPOINT \(Self.statementSavepoint)")
            return result
        } catch let error as DatabaseError where error.kind != .connectionLost {
            try? runSilently("ROLLBACK TO SAVEPOINT \(Self.statementSavepoint)")
            try? runSilently("RELEASE SAVEPOINT \(Self.statementSavepoint)")
            throw error
        }
    }

    /// Opens a transaction for `SET IMPLICIT_TRANSACTIONS ON` before a statement that needs one.
    func beginImplicitTransaction(emit: (SandboxEvent) throws -> Void) throws {
        guard state.implicitTransactions, state.tranCount == 0 else { return }
        try beginTransaction(emit: emit)
    }

    /// `BEGIN TRAN`: the outermost one begins a PostgreSQL transaction; nested ones count.
    func beginTransaction(emit: (SandboxEvent) throws -> Void) throws {
        if state.tranCount == 0 {
            try runSilently("BEGIN")
            state.lastDescriptor += 1
            state.transactionDescriptor = state.lastDescriptor
            state.savepoints = []
            try emit(.environmentChange(.beginTransaction(descriptor: state.transactionDescriptor)))
        }
        state.tranCount += 1
    }

    /// Rolls back the whole transaction (ROLLBACK, XACT_ABORT, deadlock).
    func rollbackAll(emit: (SandboxEvent) throws -> Void) throws {
        guard state.tranCount > 0 else { return }
        let descriptor = state.transactionDescriptor
        state.tranCount = 0
        state.transactionDescriptor = 0
        state.savepoints = []
        state.transactionDoomed = false
        try runSilently("ROLLBACK")
        try emit(.environmentChange(.rollbackTransaction(descriptor: descriptor)))
    }

    /// BEGIN/COMMIT/ROLLBACK/SAVE TRAN and SET options.
    func runSessionStatement(
        _ statement: TranslatedStatement, context: ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws {
        let line = statement.line
        var statementFailed = false
        func fail(_ number: Int, _ text: String) throws {
            statementFailed = true
            try report(SQLServerMessage(number: number, severity: 16, message: text, line: line), emit: emit)
        }
        let ok: Void? = try guarded(line: line, verb: "SET", emit: emit) {
            switch statement.action {
            case .beginTransaction:
                try beginTransaction(emit: emit)
            case .commit:
                guard state.tranCount > 0 else {
                    return try fail(3902, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.")
                }
                if state.transactionDoomed {
                    try rollbackAll(emit: emit)
                    return try fail(
                        3930,
                        "The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction."
                    )
                }
                state.tranCount -= 1
                if state.tranCount == 0 {
                    let descriptor = state.transactionDescriptor
                    state.transactionDescriptor = 0
                    state.savepoints = []
                    try runSilently("COMMIT")
                    try emit(.environmentChange(.commitTransaction(descriptor: descriptor)))
                }
            case .rollback(let savepoint):
                guard state.tranCount > 0 else {
                    return try fail(3903, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.")
                }
                if let savepoint, let index = state.savepoints.lastIndex(of: savepoint.lowercased()) {
                    try runSilently("ROLLBACK TO SAVEPOINT " + TSQLRewriter.quote(savepoint.lowercased()))
                    state.savepoints.removeSubrange((index + 1)...)
                } else {
                    try rollbackAll(emit: emit)
                }
            case .save(let name):
                guard state.tranCount > 0 else {
                    return try fail(628, "Cannot issue SAVE TRANSACTION when there is no active transaction.")
                }
                try runSilently("SAVEPOINT " + TSQLRewriter.quote(name.lowercased()))
                state.savepoints.append(name.lowercased())
            case .setNoCount(let on):
                state.noCount = on
            case .setImplicitTransactions(let on):
                state.implicitTransactions = on
            case .setXactAbort(let on):
                state.xactAbort = on
            case .setFormatOnly(let on):
                state.formatOnly = on
            case .setIsolationLevel(let level):
                try runSilently("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL \(level)")
                if state.tranCount > 0 {
                    // PostgreSQL fixes a transaction's level at its first query; SQL Server applies the new level
                    // from the next statement. The sandbox applies it from the next transaction.
                    try emit(
                        .message(
                            SQLServerMessage(
                                number: 0, severity: 0,
                                message: "The TDS sandbox applies the new isolation level from the next transaction.",
                                line: line)))
                }
            default:
                break
            }
        }
        guard ok != nil else { return }
        state.rowCount = 0
        if !statementFailed { state.lastError = 0 }
        try emit(.statementDone(rowCount: nil, inProcedure: context.inProcedure))
    }
}
