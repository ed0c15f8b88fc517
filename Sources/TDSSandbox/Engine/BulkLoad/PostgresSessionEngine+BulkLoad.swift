import DBCore
import PGDriver

/// A bulk load in progress: the PostgreSQL COPY and the text not yet sent.
final class ActiveBulkLoad {
    let target: BulkLoadTarget
    let copy: PGCopyIn
    let usesSavepoint: Bool
    var buffer: [UInt8] = []
    /// Whether sending failed (the server ended the COPY with an error, which ``PGCopyIn/finish()`` reports).
    var sendFailed = false

    init(target: BulkLoadTarget, copy: PGCopyIn, usesSavepoint: Bool) {
        self.target = target
        self.copy = copy
        self.usesSavepoint = usesSavepoint
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    /// How much COPY text is gathered before it is sent.
    static let flushSize = 256 * 1024

    func flush() {
        guard !buffer.isEmpty, !sendFailed else { return }
        do {
            try copy.send(buffer)
        } catch {
            sendFailed = true
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension PostgresSessionEngine: BulkLoadingEngine {
    private static let bulkSavepoint = "tds_sandbox_bulk"

    /// Starts `COPY table (columns) FROM STDIN` for the table the last `INSERT BULK` named.
    public func beginBulkLoad(columns: [BulkLoadColumn]) throws {
        abortBulkLoad()
        guard let target = state.pendingBulkLoad else {
            throw SQLServerMessage(
                number: 4801, severity: 16,
                message: "Bulk load data was sent without a preceding INSERT BULK statement.")
        }
        var names = target.columns
        if names.isEmpty {
            names = columns.map { TSQLRewriter.quote($0.name.lowercased()) }
        }
        guard names.count == columns.count else {
            throw SQLServerMessage(
                number: 4815, severity: 16,
                message:
                    "Received invalid column length from bcp client: INSERT BULK named \(names.count) columns, the data has \(columns.count)."
            )
        }
        guard let postgres = connection as? PGConnection else {
            throw SQLServerMessage.unsupported("bulk load on this connection", line: 1)
        }
        let usesSavepoint = state.tranCount > 0
        let sql = "COPY \(target.table) (\(names.joined(separator: ", "))) FROM STDIN"
        do {
            if usesSavepoint { try runSilently("SAVEPOINT \(Self.bulkSavepoint)") }
            let copy = try postgres.beginCopyIn(sql)
            state.activeBulkLoad = ActiveBulkLoad(target: target, copy: copy, usesSavepoint: usesSavepoint)
        } catch let error as DatabaseError {
            if usesSavepoint { try? runSilently("ROLLBACK TO SAVEPOINT \(Self.bulkSavepoint)") }
            throw PostgresErrorMapping.message(for: error, line: 1, verb: "INSERT")
        }
    }

    /// Adds rows to the COPY, sending whenever a quarter megabyte of text has gathered.
    public func loadBulkRows(_ rows: [[SQLValue]]) throws {
        guard let active = state.activeBulkLoad else { return }
        for row in rows {
            BulkLoadCopyText.appendRow(row, to: &active.buffer)
            if active.buffer.count >= ActiveBulkLoad.flushSize { active.flush() }
        }
    }

    /// Ends the COPY and reports DONE with the row count, or the mapped error (2627, 515, 547, …) with no rows
    /// stored.
    public func finishBulkLoad(emit: (SandboxEvent) throws -> Void) throws -> RequestOutcome {
        beginRequest()
        guard let active = state.activeBulkLoad else {
            try emit(.statementDone(rowCount: 0, inProcedure: false))
            return .completed
        }
        state.activeBulkLoad = nil
        active.flush()
        do {
            let count = try active.copy.finish()
            if active.usesSavepoint { try runSilently("RELEASE SAVEPOINT \(Self.bulkSavepoint)") }
            state.rowCount = count
            state.lastError = 0
            try emit(.statementDone(rowCount: count, inProcedure: false))
        } catch let error as DatabaseError {
            if active.usesSavepoint {
                try? runSilently("ROLLBACK TO SAVEPOINT \(Self.bulkSavepoint)")
                try? runSilently("RELEASE SAVEPOINT \(Self.bulkSavepoint)")
            }
            var message = PostgresErrorMapping.message(for: error, line: 1, verb: "INSERT")
            message.line = 1
            try report(message, emit: emit)
            try emit(.statementDone(rowCount: nil, inProcedure: false))
        }
        return .completed
    }

    /// Aborts the running COPY, if any; none of its rows are stored.
    public func abortBulkLoad() {
        guard let active = state.activeBulkLoad else { return }
        state.activeBulkLoad = nil
        active.copy.abort(reason: "the bulk load was abandoned by the client")
        if active.usesSavepoint {
            try? runSilently("ROLLBACK TO SAVEPOINT \(Self.bulkSavepoint)")
            try? runSilently("RELEASE SAVEPOINT \(Self.bulkSavepoint)")
        }
    }
}
