import DBCore
import Dispatch
import Foundation
import NIOCore

/// One client session. Messages arrive on the event loop (``receive(_:)``) and run in order on the session's
/// own serial queue, so the blocking engine never runs on an event loop; ATTENTION and disconnects are handled
/// on the event loop at once (they cancel the running request).
///
/// `@unchecked Sendable`: the state shared between the event loop and the worker (``shared``) is guarded by
/// ``lock``; everything else is touched only on ``queue``.
final class TDSSession: @unchecked Sendable {
    enum Phase { case prelogin, login, loggedIn, closed }

    struct Shared {
        var closed = false
        var attentionPending = false
        var requestRunning = false
        var engine: (any SessionEngine)?
        /// Bulk-load bytes received and not yet processed (reading pauses above a limit).
        var pendingBulkBytes = 0
        /// Whether reading from the socket is paused.
        var readPaused = false
    }

    let channel: any Channel
    let spid: UInt16
    let configuration: TDSSandboxConfiguration
    let factory: SessionEngineFactory
    /// What the connection's TLS layer did (read at LOGIN7).
    let tlsStatus: TLSSessionStatus
    /// Called at every LOGIN7 with the encryption it arrived under.
    let recordLogin: @Sendable (TDSSandboxSessionEncryption) -> Void
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var shared = Shared()
    /// The bulk-load message being received (worker only).
    var bulkLoad = BulkLoadReception()

    // Worker-only state.
    var phase = Phase.prelogin
    var engine: (any SessionEngine)?
    var version = TDSVersion.v7_4
    private var inTransaction = false
    lazy var output = TDSOutputStream(channel: channel, spid: spid) { [weak self] in self?.isClosed ?? true }

    init(
        channel: any Channel, spid: UInt16, configuration: TDSSandboxConfiguration,
        factory: @escaping SessionEngineFactory, tlsStatus: TLSSessionStatus = TLSSessionStatus(),
        recordLogin: @escaping @Sendable (TDSSandboxSessionEncryption) -> Void = { _ in }
    ) {
        self.channel = channel
        self.spid = spid
        self.configuration = configuration
        self.factory = factory
        self.tlsStatus = tlsStatus
        self.recordLogin = recordLogin
        self.queue = DispatchQueue(label: "tds-sandbox.session.\(spid)")
    }

    var writer: TDSTokenWriter { TDSTokenWriter(version: version, serverName: configuration.serverName) }

    private var isClosed: Bool { withLock { $0.closed } }

    func withLock<T>(_ body: (inout Shared) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&shared)
    }

    // MARK: Event loop side

    /// A whole message arrived.
    func receive(_ message: TDSMessage) {
        if message.type == .attention {
            let engine = withLock { state -> (any SessionEngine)? in
                state.attentionPending = true
                return state.requestRunning ? state.engine : nil
            }
            engine?.cancel()
            queue.async { self.acknowledgeIdleAttention() }
            return
        }
        if message.type == .bulkLoad { noteBulkPacketReceived(message) }
        queue.async { self.process(message) }
    }

    /// The connection closed: cancel the running request, then close the engine once the worker is done.
    func connectionClosed() {
        let engine = withLock { state -> (any SessionEngine)? in
            guard !state.closed else { return nil }
            state.closed = true
            return state.requestRunning ? state.engine : nil
        }
        engine?.cancel()
        queue.async { self.shutdown() }
    }

    // MARK: Worker side

    func shutdown() {
        phase = .closed
        engine?.close()
        engine = nil
        withLock { $0.engine = nil }
    }

    /// Closes the connection after what was written has been sent.
    func closeConnection() {
        output.drain()
        phase = .closed
        channel.close(promise: nil)
    }

    private func process(_ message: TDSMessage) {
        guard phase != .closed, !isClosed else { return }
        do {
            switch (phase, message.type) {
            case (.prelogin, .prelogin):
                try prelogin(message.payload)
            case (.prelogin, .preTDS7Login):
                try refusePreTDS7Login()
            case (.prelogin, .login7):
                // A LOGIN7 with no PRELOGIN before it never negotiated encryption: a server that requires it
                // ends the connection rather than take the login in plaintext.
                guard configuration.encryption != .required else {
                    throw TDSProtocolError("a LOGIN7 without a PRELOGIN where encryption is required")
                }
                try login(message.payload)
            case (.login, .login7):
                try login(message.payload)
            case (.loggedIn, .sqlBatch):
                try runBatch(message.payload)
            case (.loggedIn, .rpc):
                try runRPC(message.payload)
            case (.loggedIn, .transactionManager):
                try runTransactionManager(message.payload)
            case (.loggedIn, .bulkLoad):
                try receiveBulkPacket(message)
            default:
                throw TDSProtocolError("unexpected \(message.type) message in phase \(phase)")
            }
        } catch is TDSClientGoneError {
            phase = .closed
        } catch {
            // A protocol violation: close this session only.
            closeConnection()
        }
    }

    /// Answers a request the sandbox does not run with an ERROR and a DONE.
    func answerError(_ message: SQLServerMessage) throws {
        var encoder = TDSResponseEncoder(writer: writer, kind: .batch, inTransaction: inTransaction)
        encoder.finish(failure: message, attention: takeAttention(), into: &output.tokens)
        try output.endMessage()
    }

    private func runBatch(_ payload: ByteBuffer) throws {
        let sql: String
        do {
            sql = try TDSSQLBatch.parse(payload, version: version)
        } catch let error as TDSProtocolError {
            return try answerError(Self.streamError(error))
        }
        try execute(kind: .batch) { engine, emit in try engine.executeBatch(sql, emit: emit) }
        try output.endMessage()
    }

    private func runTransactionManager(_ payload: ByteBuffer) throws {
        let sql: String
        do {
            sql = try TDSTransactionManagerRequest.parse(payload, version: version)
        } catch let error as TDSProtocolError {
            return try answerError(Self.streamError(error))
        }
        try execute(kind: .batch) { engine, emit in try engine.executeBatch(sql, emit: emit) }
        try output.endMessage()
    }

    private func runRPC(_ payload: ByteBuffer) throws {
        let calls: [TDSRPCCall]
        do {
            calls = try TDSRPCRequest.parse(payload, version: version)
        } catch let error as TDSProtocolError {
            return try answerError(Self.streamError(error))
        }
        for (index, call) in calls.enumerated() {
            let last = index == calls.count - 1
            let cancelled = try execute(kind: .rpc, moreFollows: !last) { engine, emit in
                guard call.shouldExecute else {
                    throw SQLServerMessage(
                        number: 8010, severity: 16,
                        message: "The RPC '\(call.procedure)' was not executed: the client sent the no-exec flag.")
                }
                return try engine.executeRPC(procedure: call.procedure, parameters: call.parameters, emit: emit)
            }
            if cancelled { break }
        }
        try output.endMessage()
    }

    /// The error SQL Server sends for a request whose token stream it cannot read.
    static func streamError(_ error: TDSProtocolError) -> SQLServerMessage {
        SQLServerMessage(
            number: 8009, severity: 16,
            message: "The incoming tabular data stream (TDS) protocol stream is incorrect: \(error.reason).")
    }

    /// Takes (clears) a pending attention.
    private func takeAttention() -> Bool {
        withLock { state in
            defer { state.attentionPending = false }
            return state.attentionPending
        }
    }

    /// Runs one engine call, streaming its events; returns whether it ended by an attention.
    @discardableResult
    func execute(
        kind: TDSResponseEncoder.Kind, moreFollows: Bool = false,
        _ run: (any SessionEngine, (SandboxEvent) throws -> Void) throws -> RequestOutcome
    ) throws -> Bool {
        guard let engine else { throw TDSProtocolError("no engine") }
        var encoder = TDSResponseEncoder(writer: writer, kind: kind, inTransaction: inTransaction)
        let startNow = withLock { state -> Bool in
            guard !state.attentionPending, !state.closed else { return false }
            state.requestRunning = true
            return true
        }
        var failure: SQLServerMessage?
        var cancelled = false
        if startNow {
            let output = self.output
            // An attention stops the encoding. Rows check for it every 64 rows, not under the lock on each (the
            // engine itself stops between batches): the few rows encoded meanwhile go out before the DONE with
            // ATTN, which the client discards, as it does SQL Server's rows already in flight.
            var rowsUnchecked = 0
            var attentionSeen = false
            do {
                let outcome = try run(engine) { event in
                    if attentionSeen { return }
                    if case .rowBatch(let rows) = event {
                        // The rows of a batch in one loop, into the token buffer lent out once.
                        let threshold = output.flushThreshold
                        attentionSeen = try output.withTokens { tokens in
                            try encoder.encodeRows(
                                rows, into: &tokens, threshold: threshold,
                                flush: { try output.flushFullPackets(&$0) },
                                attention: { self.withLock { $0.attentionPending } })
                        }
                        return
                    }
                    var check = true
                    if case .rowView = event {
                        rowsUnchecked &+= 1
                        check = rowsUnchecked & 63 == 0
                    }
                    if check, self.withLock({ $0.attentionPending }) {
                        attentionSeen = true
                        return
                    }
                    try encoder.encode(event, into: &output.tokens)
                    try output.flushFullPackets()
                }
                cancelled = outcome == .cancelled
            } catch let error as TDSValueError {
                failure = error.message
            } catch let error as SQLServerMessage {
                failure = error
            } catch {
                failure = SQLServerMessage(number: 50000, severity: 16, message: "The request failed: \(error)")
            }
        }
        let (attention, closed) = withLock { state -> (Bool, Bool) in
            state.requestRunning = false
            defer { state.attentionPending = false }
            return (state.attentionPending, state.closed)
        }
        if closed { throw TDSClientGoneError() }
        let stopped = attention || cancelled
        encoder.finish(
            failure: stopped ? nil : failure, attention: stopped, moreFollows: moreFollows && !stopped,
            into: &output.tokens)
        inTransaction = encoder.inTransaction
        return stopped
    }

    /// Acknowledges an attention that arrived when no request was running (or after its response ended).
    private func acknowledgeIdleAttention() {
        abandonBulkLoad()
        guard phase == .loggedIn, takeAttention() else { return }
        writer.writeDone(status: .attention, into: &output.tokens)
        do { try output.endMessage() } catch { phase = .closed }
    }
}
