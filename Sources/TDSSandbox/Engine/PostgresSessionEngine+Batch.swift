import DBCore

/// Why a request stops before its end.
enum RequestStop: Error {
    /// ATTENTION: the client cancelled.
    case cancelled
    /// An error that ends the batch (SQL Server's batch-aborting errors, `XACT_ABORT ON`).
    case batchAborted
    /// `RETURN`.
    case returned
}

/// An error raised inside TRY, unwinding to its CATCH block.
struct CaughtError: Error {
    var message: SQLServerMessage
}

/// BREAK and CONTINUE, unwinding to the innermost WHILE.
enum LoopControl: Error {
    case breakLoop
    case continueLoop
}

extension PostgresSessionEngine {
    /// Runs a SQL batch: translates all of it first (a syntax error runs nothing), then runs its statements.
    public func executeBatch(_ sql: String, emit: (SandboxEvent) throws -> Void) throws -> RequestOutcome {
        beginRequest()
        let statements: [TranslatedStatement]
        do {
            statements = try TSQLTranslator.translate(sql, columnResolver: columnResolver)
        } catch {
            state.lastError = error.number
            try emit(.message(error))
            return .completed
        }
        var context = ExecutionContext(inProcedure: false)
        return try runRequest(statements, context: &context, emit: emit)
    }

    /// Looks up the recorded columns of existing tables for the translator (bit literals).
    var columnResolver: TSQLTranslator.ColumnResolver {
        return { [unowned self] table in
            if let cached = state.tableColumns[table] { return cached }
            let columns = SandboxCatalog.columns(ofTable: table, on: connection)
            state.tableColumns[table] = .some(columns)
            return columns
        }
    }

    /// Runs translated statements as one request and maps how it stopped to an outcome.
    func runRequest(
        _ statements: [TranslatedStatement], context: inout ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws -> RequestOutcome {
        let outerInProcedure = state.inProcedure
        state.inProcedure = context.inProcedure
        defer { state.inProcedure = outerInProcedure }
        do {
            try run(statements, context: &context, emit: emit)
        } catch let stop as RequestStop {
            if case .cancelled = stop {
                // The PostgreSQL statement was cancelled; an open transaction is rolled back as SQL Server does
                // when the client cancels under XACT_ABORT, and kept otherwise.
                if state.xactAbort, state.tranCount > 0 { try rollbackAll(emit: emit) }
                return .cancelled
            }
        }
        return .completed
    }

    /// Runs statements in order.
    func run(
        _ statements: [TranslatedStatement], context: inout ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws {
        for statement in statements {
            if cancelRequested { throw RequestStop.cancelled }
            try run(statement, context: &context, emit: emit)
        }
    }

    private func done(_ count: Int?, _ context: ExecutionContext, emit: (SandboxEvent) throws -> Void) throws {
        try emit(.statementDone(rowCount: state.noCount ? nil : count, inProcedure: context.inProcedure))
    }

    /// Runs one statement; reports its errors and decides whether the request goes on.
    func run(
        _ statement: TranslatedStatement, context: inout ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws {
        let line = statement.line
        switch statement.action {
        case .block(let statements):
            try run(statements, context: &context, emit: emit)
        case .ifElse(let condition, let then, let otherwise):
            let value = try guarded(line: line, verb: "SELECT", emit: emit) {
                try fetchValues(condition, context: context)?.first
            }
            guard let value else { return }
            if case .bool(true)? = value {
                try run(then, context: &context, emit: emit)
            } else {
                try run(otherwise, context: &context, emit: emit)
            }
        case .query(var query, let kind) where state.formatOnly:
            // SET FMTONLY ON: a query describes its columns without rows; other statements do not run.
            guard kind == .select else { return try done(nil, context, emit: emit) }
            query.sql = "SELECT * FROM (\(query.sql)) AS tds_sandbox_format_only LIMIT 0"
            let count = try guarded(line: line, verb: "SELECT", emit: emit) {
                try runQuery(query, kind: kind, context: context, emit: emit)
            }
            if count != nil { try done(0, context, emit: emit) }
        case .createTable where state.formatOnly:
            try done(nil, context, emit: emit)
        case .query(_, .dml) where state.transactionDoomed, .query(_, .ddl) where state.transactionDoomed,
            .createTable where state.transactionDoomed:
            try report(
                SQLServerMessage(
                    number: 3930, severity: 16,
                    message:
                        "The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction.",
                    line: line), emit: emit)
            try done(nil, context, emit: emit)
        case .query(let query, let kind):
            if kind != .silent { try beginImplicitTransaction(emit: emit) }
            let verb = query.sql.prefix(while: { $0 != " " }).uppercased()
            let count = try guarded(line: line, verb: verb, emit: emit) {
                try inStatementSavepoint { try runQuery(query, kind: kind, context: context, emit: emit) }
            }
            guard let count else { return }
            if kind == .ddl { state.tableColumns = [:] }
            state.rowCount = kind == .ddl || kind == .silent ? 0 : count
            state.lastError = 0
            try done(kind == .ddl || kind == .silent ? nil : count, context, emit: emit)
        case .createTable(let query, let table):
            try beginImplicitTransaction(emit: emit)
            let ok: Void? = try guarded(line: line, verb: "CREATE", emit: emit) {
                try inStatementSavepoint {
                    try runSilently(query.sql)
                    try runSilently(SandboxCatalog.recordSQL(table))
                    if query.sql.hasPrefix("CREATE") {
                        for sql in table.roundingTriggerSQL { try runSilently(sql) }
                    }
                }
            }
            guard ok != nil else { return }
            state.tableColumns = [:]
            state.rowCount = 0
            state.lastError = 0
            try done(nil, context, emit: emit)
        case .declare(let name, let type, let initial):
            context.types[name] = type
            context.values[name] = .null
            if let initial {
                let values = try guarded(line: line, verb: "DECLARE", emit: emit) {
                    try fetchValues(initial, context: context)
                }
                if let value = values??.first { context.values[name] = ResultTyping.convert(value, to: type) }
            }
        case .assign(let names, let query):
            let values = try guarded(line: line, verb: "SELECT", emit: emit) {
                try fetchValues(query, context: context, lastRow: true)
            }
            guard let values else { return }
            if let row = values {
                for (name, value) in zip(names, row) {
                    context.values[name] = ResultTyping.convert(value, to: context.types[name] ?? .nvarchar(nil))
                }
            }
            state.rowCount = values == nil ? 0 : 1
            state.lastError = 0
        case .print(let query):
            let values = try guarded(line: line, verb: "PRINT", emit: emit) { try fetchValues(query, context: context) }
            guard let values else { return }
            let text = values?.first.map { ResultTyping.text(of: $0) } ?? ""
            state.lastError = 0
            try emit(.message(SQLServerMessage(number: 0, state: 1, severity: 0, message: text, line: line)))
        case .use(let database):
            try use(database, line: line, emit: emit)
            try done(nil, context, emit: emit)
        case .returnFromBatch:
            throw RequestStop.returned
        case .whileLoop(let condition, let body):
            while true {
                if cancelRequested { throw RequestStop.cancelled }
                let value = try guarded(line: line, verb: "SELECT", emit: emit) {
                    try fetchValues(condition, context: context)?.first
                }
                guard case .bool(true)?? = value else { return }
                do {
                    try run(body, context: &context, emit: emit)
                } catch LoopControl.breakLoop {
                    return
                } catch LoopControl.continueLoop {
                    continue
                }
            }
        case .tryCatch(let body, let handler):
            state.tryDepth += 1
            do {
                try run(body, context: &context, emit: emit)
                state.tryDepth -= 1
            } catch let caught as CaughtError {
                state.tryDepth -= 1
                let outer = context.caught
                context.caught = caught.message
                defer { context.caught = outer }
                try run(handler, context: &context, emit: emit)
            } catch {
                state.tryDepth -= 1
                throw error
            }
        case .rethrow:
            guard let caught = context.caught else { return }
            var message = caught
            message.line = line
            try report(message, emit: emit)
            throw RequestStop.batchAborted
        case .breakLoop:
            throw LoopControl.breakLoop
        case .continueLoop:
            throw LoopControl.continueLoop
        case .raise(let query, let number, let severity, let errorState, let endsBatch):
            let values = try guarded(line: line, verb: "RAISERROR", emit: emit) {
                try fetchValues(query, context: context)
            }
            guard let values else { return }
            let text = values?.first.map { ResultTyping.text(of: $0) } ?? ""
            let message = SQLServerMessage(
                number: number, state: errorState, severity: severity, message: text, line: line)
            if severity > 10 {
                try report(message, emit: emit)
            } else {
                state.lastError = 0
                try emit(.message(message))
            }
            if endsBatch {
                if state.xactAbort, state.tranCount > 0 { try rollbackAll(emit: emit) }
                throw RequestStop.batchAborted
            }
        case .executeSQL(let arguments):
            try executeSQL(arguments, line: line, context: &context, emit: emit)
        case .execute, .returnValue, .createProcedure, .dropProcedure, .insertBulk:
            try runProcedureStatement(statement, context: &context, emit: emit)
        default:
            try runSessionStatement(statement, context: context, emit: emit)
        }
    }

    /// Emits an error and records it in `@@ERROR`.
    func report(_ message: SQLServerMessage, emit: (SandboxEvent) throws -> Void) throws {
        state.lastError = message.number
        if state.tryDepth > 0, message.severity > 10 {
            if state.xactAbort, state.tranCount > 0, !state.transactionDoomed {
                // SQL Server dooms the transaction (XACT_STATE() = -1) and lets CATCH read; PostgreSQL cannot run
                // anything in a failed transaction, so it is rolled back now and only ROLLBACK is accepted.
                state.transactionDoomed = true
                try? runSilently("ROLLBACK")
            }
            throw CaughtError(message: message)
        }
        try emit(.message(message))
    }

    /// Runs `body`; a PostgreSQL error becomes a SQL Server error event (and `nil`), a cancel stops the request,
    /// and batch-aborting errors (or any error under `XACT_ABORT ON`) end the batch.
    func guarded<T>(
        line: Int, verb: String, emit: (SandboxEvent) throws -> Void, _ body: () throws -> T
    ) throws -> T? {
        do {
            return try body()
        } catch let error as DatabaseError {
            if error.kind == .cancelled || cancelRequested { throw RequestStop.cancelled }
            let message = PostgresErrorMapping.message(for: error, line: line, verb: verb)
            try report(message, emit: emit)
            try afterError(message, emit: emit)
        } catch let message as SQLServerMessage {
            var located = message
            located.line = line
            try report(located, emit: emit)
            try afterError(located, emit: emit)
        }
        // The failed statement's DONE (the protocol layer marks it with the ERROR bit), as SQL Server sends it.
        try emit(.statementDone(rowCount: nil, inProcedure: state.inProcedure))
        return nil
    }

    /// SQL Server's error numbers that end the batch (compile-time errors, conversions, deadlocks).
    static let batchAbortingErrors: Set<Int> = [102, 207, 208, 241, 242, 245, 1205, 3930]

    /// What happens after an error: rolls back the transaction under XACT_ABORT or on a deadlock, and ends the
    /// batch for batch-aborting errors.
    private func afterError(_ message: SQLServerMessage, emit: (SandboxEvent) throws -> Void) throws {
        let abortsTransaction = state.xactAbort || message.number == 1205
        if abortsTransaction, state.tranCount > 0 { try rollbackAll(emit: emit) }
        if state.xactAbort || Self.batchAbortingErrors.contains(message.number) { throw RequestStop.batchAborted }
    }

    /// `USE database`.
    private func use(_ database: String, line: Int, emit: (SandboxEvent) throws -> Void) throws {
        let old = state.database
        if database.lowercased() != old.lowercased() {
            guard state.tranCount == 0 else {
                try report(
                    SQLServerMessage(
                        number: 574, severity: 16, message: "USE statement is not allowed within a transaction.",
                        line: line), emit: emit)
                return
            }
            do {
                try switchDatabase(to: database)
            } catch {
                try report(
                    SQLServerMessage(
                        number: 911, severity: 16,
                        message: "Database '\(database)' does not exist. Make sure that the name is entered correctly.",
                        line: line), emit: emit)
                return
            }
        }
        try emit(.environmentChange(.database(new: state.database, old: old)))
        try emit(
            .message(
                SQLServerMessage(
                    number: 5701, state: 2, severity: 0,
                    message: "Changed database context to '\(state.database)'.", line: line)))
    }
}
