import CSybDB
import DBCore
import Foundation

/// Owns one `DBPROCESS*` and makes every DB-Library call on it.
///
/// Not thread-safe by itself: ``MSSQLConnection`` calls it only while holding its lock. The pointer never leaves
/// this type; `deinit` closes it. The one exception to the lock is ``requestCancel()``, which only touches the
/// thread-safe ``DBLibMessages`` (which documents which statement a cancel stops, and when).
final class DBLibHandle: @unchecked Sendable {
    /// What one `dbresults` step found.
    enum ResultStep {
        /// A result set with these columns; its rows follow.
        case rows([ColumnDescription], types: [Int])
        /// A statement without rows; its affected-row count if the server sent one.
        case done(rowCount: Int?)
        /// No more results.
        case end
    }

    private var dbproc: OpaquePointer?
    /// The collector the process-wide handlers report this connection's messages to.
    let messages: DBLibMessages
    /// The per-statement timeout in seconds, enforced by the interrupt handler.
    var queryTimeout: Double?
    /// The prepared statement whose `sp_execute` is the statement in flight, `nil` for any other statement.
    var executingHandle: Int32?
    /// How many result sets with columns of the statement in flight were described so far.
    var resultSetsDescribed = 0
    /// The first result set of the prepared statement run last by handle, as described: reused for the next run of
    /// the same handle when its columns still match (``PreparedResultShape``). Any other statement forgets it.
    var lastPreparedResult: PreparedResultShape?

    init(dbproc: OpaquePointer, messages: DBLibMessages) {
        self.dbproc = dbproc
        self.messages = messages
        dbsetuserdata(dbproc, Unmanaged.passUnretained(messages).toOpaque().assumingMemoryBound(to: UInt8.self))
        dbsetinterrupt(dbproc, dblibInterruptCheck, dblibInterruptHandler)
    }

    deinit { close() }

    /// Whether `dbclose` ran or DB-Library marked the connection dead.
    var isDead: Bool {
        guard let dbproc else { return true }
        return dbdead(dbproc) != 0
    }

    /// Whether ``close()`` ran.
    var isClosed: Bool { dbproc == nil }

    /// Closes the connection. Idempotent.
    func close() {
        guard let dbproc else { return }
        dbsetuserdata(dbproc, nil)
        dbclose(dbproc)
        self.dbproc = nil
        messages.endStatement()
    }

    /// Asks the statement in flight to stop (from any thread): the running call, or the statement's next one,
    /// throws ``DatabaseError/Kind/cancelled``. Nothing happens when no statement is in flight (see
    /// ``DBLibMessages``).
    func requestCancel() { messages.requestCancel() }

    func live(_ statement: String?) throws -> OpaquePointer {
        guard let dbproc else {
            throw DatabaseError(kind: .connectionLost, message: "the connection is closed", statement: statement)
        }
        if dbdead(dbproc) != 0 {
            throw DatabaseError(
                kind: .connectionLost, message: "the connection to the server is broken", statement: statement)
        }
        return dbproc
    }

    /// Runs DB-Library calls that wait on the server, then turns what the handlers collected into a thrown error:
    /// a cancel or timeout first, then the first server or library error (the others go in its `detail`).
    /// `timed` arms the query timeout for this wait.
    ///
    /// When a cancel is pending for the statement in flight (it arrived between two of the statement's calls, or
    /// during a call that ended before the interrupt handler acted), `body` does not run: the statement's results
    /// are discarded and the call throws ``DatabaseError/Kind/cancelled``. A `dbresults` step that finds the end
    /// of the results (``ResultStep/end``, from ``nextResult(statement:)``) ends the statement in flight, after
    /// which a cancel has nothing left to stop.
    /// `startsStatement`: the call sends a new statement, which becomes the statement in flight (marked before the
    /// call, in the same hold of the messages' lock as the start of the wait).
    func waiting<T>(
        statement: String?, timed: Bool = false, startsStatement: Bool = false, _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        let dbproc = try live(statement)
        guard messages.beginWaiting(timeout: timed ? queryTimeout : nil, startingStatement: startsStatement) else {
            throw interrupted(dbproc, by: .cancel, statement: statement)
        }
        let result: Result<T, any Error> = Result { try body(dbproc) }
        let bodyFailed: Bool
        if case .failure = result { bodyFailed = true } else { bodyFailed = false }
        let (interruption, errors) = messages.finishWaiting(bodyFailed: bodyFailed)
        if let interruption {
            throw interrupted(dbproc, by: interruption, statement: statement)
        }
        if var first = errors.first {
            if dbdead(dbproc) == 0 {
                discardStatement(dbproc)
                // The connection's real state decides: a read or write error on a connection DB-Library still
                // considers alive did not lose it.
                if first.kind == .connectionLost { first.kind = .other }
            } else {
                messages.endStatement()
                first.kind = .connectionLost
            }
            first.statement = statement
            if errors.count > 1 {
                first.detail = errors.dropFirst().map(\.description).joined(separator: "\n")
            }
            throw first
        }
        if dbdead(dbproc) != 0 {
            messages.endStatement()
            throw DatabaseError(
                kind: .connectionLost, message: "the connection to the server was lost", statement: statement)
        }
        let value = try result.get()
        // A metatype comparison the compiler folds away in each specialisation: no cost per row.
        if T.self == ResultStep.self, case .end? = value as? ResultStep { messages.endStatement() }
        return value
    }

    /// Ends an interrupted statement: discards what is left of its results (the errors the interruption caused go
    /// with them) and returns the error to throw, ``DatabaseError/Kind/cancelled`` or
    /// ``DatabaseError/Kind/timeout``, or ``DatabaseError/Kind/connectionLost`` when the server did not acknowledge.
    private func interrupted(
        _ dbproc: OpaquePointer, by interruption: DBLibMessages.Interruption, statement: String?
    )
        -> DatabaseError
    {
        discardStatement(dbproc)
        if dbdead(dbproc) != 0 {
            return DatabaseError(
                kind: .connectionLost, message: "the server did not acknowledge the cancel; the connection was closed",
                statement: statement)
        }
        switch interruption {
        case .cancel:
            return DatabaseError(kind: .cancelled, message: "the statement was cancelled", statement: statement)
        case .timeout:
            return DatabaseError(
                kind: .timeout, message: "the statement ran longer than the query timeout", statement: statement)
        }
    }

    /// Discards the statement's pending results (`dbcancel`: an attention, then reading up to its
    /// acknowledgement, which the server has a bounded time to send), drops the errors that produced, and ends
    /// the statement.
    private func discardStatement(_ dbproc: OpaquePointer) {
        if dbdead(dbproc) == 0 {
            messages.beginDiscarding()
            dbcancel(dbproc)
            messages.endDiscarding()
        } else {
            _ = messages.takeErrors()
            messages.endStatement()
        }
    }

    /// Notes which statement goes out next: the `sp_execute` of `preparedHandle`, or (`nil`) any other, which
    /// forgets the last prepared statement's result columns (it may change what a prepared statement returns).
    private func startStatement(preparedHandle: Int32?) {
        executingHandle = preparedHandle
        resultSetsDescribed = 0
        if preparedHandle == nil { lastPreparedResult = nil }
    }

    /// Discards pending results (`dbcancel`) and ends the statement in flight.
    func discardResults() {
        guard let dbproc else { return }
        discardStatement(dbproc)
    }

    /// Sends a batch without parameters (`dbcmd` + `dbsqlexec`); it becomes the statement in flight, which
    /// ``requestCancel()`` stops until its results end or are discarded.
    func sendBatch(_ sql: String) throws {
        try DatabaseError.checkNoNUL(in: sql, what: "the SQL text", statement: sql)
        startStatement(preparedHandle: nil)
        try waiting(statement: sql, timed: true, startsStatement: true) { dbproc in
            guard dbcmd(dbproc, sql) == SUCCEED, dbsqlexec(dbproc) == SUCCEED else {
                throw DatabaseError(kind: .other, message: "DB-Library could not run the batch", statement: sql)
            }
        }
    }

    /// Sends an RPC (`dbrpcinit` + `dbrpcparam` + `dbrpcsend` + `dbsqlok`); it becomes the statement in flight.
    /// `sendsStatement`: whether `statement` travels in the call (`sp_executesql`, `sp_prepare`), and is checked;
    /// `sp_execute` sends only a handle, of a text checked when it was prepared. `preparedHandle`: the handle an
    /// `sp_execute` runs.
    func sendRPC(
        _ name: String, _ parameters: [RPCParameter], statement: String?, sendsStatement: Bool = true,
        preparedHandle: Int32? = nil
    ) throws {
        try DatabaseError.checkNoNUL(in: name, what: "the procedure name", statement: statement)
        // sp_executesql's statement travels as a counted parameter, but the server and the tools behind it treat
        // it as text; refused like a batch's SQL text, so both paths behave the same.
        if sendsStatement {
            try DatabaseError.checkNoNUL(in: statement ?? "", what: "the SQL text", statement: statement)
        }
        for parameter in parameters {
            try DatabaseError.checkNoNUL(in: parameter.name ?? "", what: "a parameter name", statement: statement)
        }
        startStatement(preparedHandle: preparedHandle)
        // Each value's slot in one buffer, 16-byte aligned (a zero-length value gets a slot of its own too).
        var total = 0
        for parameter in parameters {
            if let bytes = parameter.value.bytes { total += Self.slotSize(bytes.count) }
        }
        try waiting(statement: statement, timed: true, startsStatement: true) { dbproc in
            // dbrpcparam keeps the value pointers until dbrpcsend: the values are copied into one buffer that lives
            // until dbrpcsend returned (on the stack when it is small).
            try withUnsafeTemporaryAllocation(byteCount: max(total, 16), alignment: 16) { storage in
                guard dbrpcinit(dbproc, name, 0) == SUCCEED else {
                    throw DatabaseError(kind: .other, message: "dbrpcinit failed for \(name)", statement: statement)
                }
                var offset = 0
                for parameter in parameters {
                    var pointer: UnsafeMutablePointer<UInt8>?
                    var length: Int32 = 0
                    if let bytes = parameter.value.bytes {
                        let slot = storage.baseAddress! + offset
                        UnsafeMutableRawBufferPointer(start: slot, count: bytes.count).copyBytes(from: bytes)
                        pointer = slot.assumingMemoryBound(to: UInt8.self)
                        offset += Self.slotSize(bytes.count)
                        // The real length for every type: dbrpcparam turns it into -1 itself for fixed types, and
                        // nullable fixed types (UNIQUEIDENTIFIER) need it.
                        length = Int32(bytes.count)
                    }
                    let status = UInt8(parameter.isOutput ? DBRPCRETURN : 0)
                    let maxLength: Int32 = parameter.isOutput ? parameter.maxLength : -1
                    let rc = dbrpcparam(
                        dbproc, parameter.name, status, Int32(parameter.value.type), maxLength, length, pointer)
                    guard rc == SUCCEED else {
                        throw DatabaseError(
                            kind: .invalidParameters,
                            message: "DB-Library refused parameter \(parameter.name ?? "?")", statement: statement)
                    }
                }
                guard dbrpcsend(dbproc) == SUCCEED, dbsqlok(dbproc) == SUCCEED else {
                    throw DatabaseError(
                        kind: .other, message: "DB-Library could not run \(name)", statement: statement)
                }
            }
        }
    }

    /// The bytes a value of `count` bytes takes in ``sendRPC(_:_:statement:sendsStatement:preparedHandle:)``'s
    /// buffer: at least one, rounded up to 16.
    private static func slotSize(_ count: Int) -> Int {
        (max(count, 1) + 15) & ~15
    }
}

/// One RPC parameter: its name (`@P1`, `@stmt`; `nil` for positional), value, and whether it is OUTPUT.
struct RPCParameter {
    var name: String?
    var value: EncodedParameter
    var isOutput: Bool = false
    /// For OUTPUT parameters of variable length: the largest value the server may return, in bytes.
    var maxLength: Int32 = -1
}
