import DBCore
import NIOCore

/// Turns the ``SandboxEvent``s of one request into tokens, in order, keeping the DONE bookkeeping of
/// [MS-TDS] 2.2.7.6: each statement's DONE carries MORE when anything follows and ERROR when an error message
/// preceded it; the last token of the response is a DONE (batch) or DONEPROC (RPC) without MORE.
struct TDSResponseEncoder {
    /// Whether the request is an RPC (its end is DONEPROC).
    enum Kind { case batch, rpc }

    var writer: TDSTokenWriter
    var kind: Kind
    /// Whether the session is inside a transaction (DONE's INXACT bit); updated by transaction ENVCHANGEs.
    var inTransaction: Bool

    private var columns: [ResultColumn] = []
    private var pendingDone: (token: TDSToken, status: TDSDoneStatus, command: UInt16, rowCount: Int)?
    private var errorSinceDone = false
    private var errorInRequest = false
    private var command = TDSCurrentCommand.none
    /// A work array reused by every row read in place (``SandboxEvent/rowView(_:)``).
    private var scratch: [UInt8] = []

    init(writer: TDSTokenWriter, kind: Kind, inTransaction: Bool) {
        self.writer = writer
        self.kind = kind
        self.inTransaction = inTransaction
    }

    /// Encodes one event. Throws ``TDSValueError`` when a value cannot be represented; the buffer then holds
    /// everything before that event.
    mutating func encode(_ event: SandboxEvent, into buffer: inout ByteBuffer) throws {
        if case .row(let values) = event {
            // The hot path: rows never follow a pending DONE.
            try writeRowChecked(values, into: &buffer)
            return
        }
        if case .rowView(let view) = event {
            try writer.writeRow(view, columns: columns, scratch: &scratch, into: &buffer)
            return
        }
        flushPending(more: true, into: &buffer)
        switch event {
        case .columns(let newColumns):
            try writer.writeColumnMetadata(newColumns, into: &buffer)
            columns = newColumns
            command = TDSCurrentCommand.select
        case .row(let values):
            try writeRowChecked(values, into: &buffer)
        case .rowView(let view):
            try writer.writeRow(view, columns: columns, scratch: &scratch, into: &buffer)
        case .statementDone(let rowCount, let inProcedure):
            var status: TDSDoneStatus = []
            if rowCount != nil { status.insert(.count) }
            if errorSinceDone { status.insert(.error) }
            let token: TDSToken = (inProcedure || kind == .rpc) ? .doneInProc : .done
            pendingDone = (token, status, command, rowCount ?? 0)
            errorSinceDone = false
            columns = []
            command = TDSCurrentCommand.none
        case .message(let message):
            writer.writeMessage(message, into: &buffer)
            if message.severity > 10 {
                errorSinceDone = true
                errorInRequest = true
            }
        case .environmentChange(let change):
            writer.writeEnvChange(change, into: &buffer)
            switch change {
            case .beginTransaction: inTransaction = true
            case .commitTransaction, .rollbackTransaction: inTransaction = false
            case .database: break
            }
        case .returnStatus(let status):
            writer.writeReturnStatus(status, into: &buffer)
        case .returnValue(let parameter, let ordinal):
            try writer.writeReturnValue(parameter, ordinal: ordinal, into: &buffer)
        }
    }

    /// Ends the response.
    ///
    /// - Parameters:
    ///   - failure: an error that stopped the request (written as an ERROR token first).
    ///   - attention: whether the request was cancelled: a final DONE with ATTN acknowledges it.
    ///   - moreFollows: whether another RPC of the same message follows (its DONEPROC then has MORE).
    mutating func finish(
        failure: SQLServerMessage? = nil, attention: Bool, moreFollows: Bool = false, into buffer: inout ByteBuffer
    ) {
        if let failure {
            flushPending(more: true, into: &buffer)
            writer.writeMessage(failure, into: &buffer)
            errorSinceDone = true
            errorInRequest = true
        }
        if attention {
            flushPending(more: true, into: &buffer)
            writer.writeDone(status: .attention, into: &buffer)
            return
        }
        switch kind {
        case .batch:
            if let pending = pendingDone, pending.token == .done, !errorSinceDone {
                flushPending(more: moreFollows, into: &buffer)
            } else {
                flushPending(more: true, into: &buffer)
                var status: TDSDoneStatus = errorSinceDone ? .error : []
                if moreFollows { status.insert(.more) }
                if inTransaction { status.insert(.inTransaction) }
                writer.writeDone(status: status, command: command, into: &buffer)
            }
        case .rpc:
            flushPending(more: true, into: &buffer)
            var status: TDSDoneStatus = errorInRequest ? .error : []
            if moreFollows { status.insert(.more) }
            if inTransaction { status.insert(.inTransaction) }
            writer.writeDone(.doneProc, status: status, command: TDSCurrentCommand.execute, into: &buffer)
        }
        errorSinceDone = false
        errorInRequest = false
    }

    private mutating func writeRowChecked(_ values: [SQLValue], into buffer: inout ByteBuffer) throws {
        try writer.writeRow(values, columns: columns, into: &buffer)
    }

    private mutating func flushPending(more: Bool, into buffer: inout ByteBuffer) {
        guard let done = pendingDone else { return }
        var status = done.status
        if more { status.insert(.more) }
        if inTransaction { status.insert(.inTransaction) }
        writer.writeDone(done.token, status: status, command: done.command, rowCount: done.rowCount, into: &buffer)
        pendingDone = nil
    }
}
