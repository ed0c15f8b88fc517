import DBCore
import NIOCore
import PGDriver

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
    /// The current result set's ``TDSRowPlan``, decided at its first row read in place.
    private var plan = PlanState.undecided

    private enum PlanState {
        case undecided, none
        case planned(TDSRowPlan)
    }

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
            try writeRowView(view, into: &buffer)
            return
        }
        if case .rowBatch(let rows) = event {
            for index in 0..<rows.count { try writeRowView(rows.row(index), into: &buffer) }
            return
        }
        flushPending(more: true, into: &buffer)
        switch event {
        case .columns(let newColumns):
            try writer.writeColumnMetadata(newColumns, into: &buffer)
            columns = newColumns
            plan = .undecided
            command = TDSCurrentCommand.select
        case .row(let values):
            try writeRowChecked(values, into: &buffer)
        case .rowView(let view):
            try writeRowView(view, into: &buffer)
        case .rowBatch(let rows):
            for index in 0..<rows.count { try writeRowView(rows.row(index), into: &buffer) }
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

    /// A row read in place: by the result set's plan where it has one (7.3+), else field by field.
    private mutating func writeRowView(_ view: SandboxRowView, into buffer: inout ByteBuffer) throws {
        if case .undecided = plan { decidePlan(view.row) }
        if case .planned(let rowPlan) = plan,
            try writer.writePlannedRow(view.row, plan: rowPlan, scratch: &scratch, into: &buffer)
        {
            return
        }
        try writer.writeRow(view, columns: columns, scratch: &scratch, into: &buffer)
    }

    /// Decides the current result set's plan from its first row read in place.
    private mutating func decidePlan(_ row: PGRowView) {
        let version = writer.version
        if version.hasNullBitmapRows, version.hasDateTimeTypes, let rowPlan = TDSRowPlan(row: row, columns: columns) {
            plan = .planned(rowPlan)
        } else {
            plan = .none
        }
    }

    /// Encodes a batch of rows (the hot loop of a plain SELECT), handing `buffer` to `flush` whenever it holds more
    /// than `threshold` bytes; checks `attention` before every 64th row and returns `true`, having stopped, when it
    /// says the client cancelled.
    mutating func encodeRows(
        _ rows: SandboxRowBatch, into buffer: inout ByteBuffer, threshold: Int,
        flush: (inout ByteBuffer) throws -> Void, attention: () -> Bool
    ) throws -> Bool {
        let count = rows.count
        guard count > 0 else { return false }
        if case .undecided = plan { decidePlan(rows.batch.row(0)) }
        guard case .planned(let rowPlan) = plan else {
            for index in 0..<count {
                if index & 63 == 0, attention() { return true }
                try writer.writeRow(rows.row(index), columns: columns, scratch: &scratch, into: &buffer)
                if buffer.readableBytes > threshold { try flush(&buffer) }
            }
            return false
        }
        let writer = self.writer
        var index = 0
        while index < count {
            // Rows by the plan into one lent region at a time; a row the plan leaves to the general path (or one
            // larger than a region) ends the run and is written alone.
            var stopped = false
            var general = false
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.rowRegionSize) { memory in
                var out = TDSRawWriter(base: memory)
                while index < count {
                    if index & 63 == 0, attention() {
                        stopped = true
                        break
                    }
                    let row = rows.batch.row(index)
                    guard let bound = TDSTokenWriter.plannedBound(row, plan: rowPlan) else {
                        general = true
                        break
                    }
                    if out.offset + bound > memory.count {
                        general = out.offset == 0
                        break
                    }
                    // A row the plan cannot write, or whose raw encoding fails, goes to the general path after the
                    // rows before it are committed (which then writes it, or throws the same error).
                    let start = out.offset
                    guard
                        (try? TDSTokenWriter.writePlannedRow(row, plan: rowPlan, scratch: &scratch, into: &out))
                            == true
                    else {
                        out.offset = start
                        general = true
                        break
                    }
                    index += 1
                }
                return out.offset
            }
            if stopped { return true }
            if general {
                try writer.writeRow(rows.row(index), columns: columns, scratch: &scratch, into: &buffer)
                index += 1
            }
            if buffer.readableBytes > threshold { try flush(&buffer) }
        }
        return false
    }

    /// The bytes lent at a time to ``encodeRows(_:into:threshold:flush:attention:)`` for rows by the plan.
    static let rowRegionSize = 16 * 1024

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
