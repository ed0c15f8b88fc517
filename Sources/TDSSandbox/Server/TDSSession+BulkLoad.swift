import DBCore
import NIOCore

/// The bulk-load message a session is receiving: its decoder and the first error, if any (the rest of the
/// message is then read and dropped, and the error answers it).
struct BulkLoadReception {
    var decoder: TDSBulkLoadDecoder?
    var failure: SQLServerMessage?
}

extension TDSSession {
    /// Reading pauses when this many bulk-load bytes wait for the worker, and resumes below the low mark, so a
    /// client faster than PostgreSQL never fills memory.
    static let bulkHighWaterMark = 2 * 1024 * 1024
    static let bulkLowWaterMark = 512 * 1024

    /// Event loop: counts a bulk-load packet and pauses reading when too many wait.
    func noteBulkPacketReceived(_ message: TDSMessage) {
        let pause = withLock { state -> Bool in
            state.pendingBulkBytes += message.payload.readableBytes
            guard state.pendingBulkBytes > Self.bulkHighWaterMark, !state.readPaused else { return false }
            state.readPaused = true
            return true
        }
        if pause { channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
    }

    /// Worker: a packet was processed; resumes reading when the backlog is small again.
    private func noteBulkPacketProcessed(_ message: TDSMessage) {
        let resume = withLock { state -> Bool in
            state.pendingBulkBytes -= message.payload.readableBytes
            guard state.readPaused, state.pendingBulkBytes < Self.bulkLowWaterMark else { return false }
            state.readPaused = false
            return true
        }
        if resume { channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } }
    }

    /// Worker: one packet of a bulk-load message. Rows go to the engine as they are decoded; the last packet
    /// gets the answer (DONE with the row count, or the error).
    func receiveBulkPacket(_ message: TDSMessage) throws {
        defer { noteBulkPacketProcessed(message) }
        if configuration.refusesBulkLoad {
            guard message.isEndOfMessage else { return }
            return try answerError(Self.bulkLoadRefused)
        }
        guard let engine = engine as? any BulkLoadingEngine else {
            guard message.isEndOfMessage else { return }
            return try answerError(
                SQLServerMessage(number: 4801, severity: 16, message: "Bulk load is not supported by this engine."))
        }
        if bulkLoad.decoder == nil { bulkLoad = BulkLoadReception(decoder: TDSBulkLoadDecoder(), failure: nil) }
        if bulkLoad.failure == nil {
            do {
                var payload = message.payload
                let items = try bulkLoad.decoder?.feed(&payload) ?? []
                for item in items {
                    switch item {
                    case .columns(let columns): try engine.beginBulkLoad(columns: columns)
                    case .rows(let rows): try engine.loadBulkRows(rows)
                    case .done: break
                    }
                }
            } catch let error as SQLServerMessage {
                bulkLoad.failure = error
                engine.abortBulkLoad()
            } catch let error as TDSProtocolError {
                bulkLoad.failure = Self.streamError(error)
                engine.abortBulkLoad()
            } catch let error as TDSValueError {
                bulkLoad.failure = error.message
                engine.abortBulkLoad()
            }
        }
        guard message.isEndOfMessage else { return }
        let reception = bulkLoad
        bulkLoad = BulkLoadReception()
        if let failure = reception.failure {
            return try answerError(failure)
        }
        if reception.decoder?.hasIncompleteToken != false {
            engine.abortBulkLoad()
            return try answerError(Self.streamError(TDSProtocolError("the bulk load ended in the middle of a token")))
        }
        try execute(kind: .batch) { _, emit in try engine.finishBulkLoad(emit: emit) }
        try output.endMessage()
    }

    /// The answer to every bulk-load message under ``TDSSandboxConfiguration/refusesBulkLoad``: SQL Server's
    /// error for a bulk stream it could not read.
    static let bulkLoadRefused = SQLServerMessage(
        number: 4804, severity: 16,
        message: "While reading current row from host, a premature end-of-message was encountered--an incoming "
            + "data stream was interrupted when the server expected to see more data. (The TDS sandbox was "
            + "configured to refuse bulk loads.)")

    /// An attention (or the end of the session) drops a bulk load in progress.
    func abandonBulkLoad() {
        guard bulkLoad.decoder != nil else { return }
        bulkLoad = BulkLoadReception()
        (engine as? any BulkLoadingEngine)?.abortBulkLoad()
    }
}
