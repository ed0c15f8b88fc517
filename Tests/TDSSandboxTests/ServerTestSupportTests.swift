import DBCore
import Dispatch
import Foundation
import NIOCore
import Testing

@testable import TDSSandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A SessionEngine for server tests that answers fixed commands with fixed events.
final class ScriptedEngine: SessionEngine, @unchecked Sendable {
    let currentDatabase = "sandbox"
    private let lock = NSLock()
    private var cancelRequested = false
    private var isClosedFlag = false
    private let cancelSignal = DispatchSemaphore(value: 0)
    /// Signalled when a request starts running (for attention tests).
    let started = DispatchSemaphore(value: 0)

    var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return isClosedFlag
    }

    /// The events of the fixed commands.
    static func events(for sql: String) -> [SandboxEvent] {
        switch sql {
        case "SELECT TYPES":
            return [.columns(Capture.columns), .row(Capture.row), .statementDone(rowCount: 1, inProcedure: false)]
        case "SELECT ERROR":
            return [
                .message(SQLServerMessage(number: 208, severity: 16, message: "Invalid object name 'nope'.")),
                .statementDone(rowCount: nil, inProcedure: false),
            ]
        case "SELECT BAD VALUE":
            return [.columns([ResultColumn(name: "t", type: .tinyint)]), .row([.int(1)]), .row([.int(300)])]
        case "BEGIN TRANSACTION":
            return [
                .environmentChange(.beginTransaction(descriptor: 7)), .statementDone(rowCount: nil, inProcedure: false),
            ]
        default:
            return [.statementDone(rowCount: nil, inProcedure: false)]
        }
    }

    func executeBatch(_ text: String, emit: (SandboxEvent) throws -> Void) throws -> RequestOutcome {
        started.signal()
        let sql = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if sql == "WAIT" {
            try emit(.columns([ResultColumn(name: "n", type: .int)]))
            try emit(.row([.int(1)]))
            cancelSignal.wait()
            return .cancelled
        }
        if sql.hasPrefix("SELECT MANY ") {
            let count = Int(sql.dropFirst("SELECT MANY ".count)) ?? -1
            try emit(.columns([ResultColumn(name: "n", type: .int), ResultColumn(name: "s", type: .nvarchar(40))]))
            var index = 0
            while count < 0 || index < count {
                if takeCancel() { return .cancelled }
                try emit(.row([.int(Int64(index)), .string("row number \(index)")]))
                index += 1
            }
            try emit(.statementDone(rowCount: count, inProcedure: false))
            return .completed
        }
        for event in Self.events(for: sql) { try emit(event) }
        return .completed
    }

    func executeRPC(
        procedure: String, parameters: [RPCParameter], emit: (SandboxEvent) throws -> Void
    ) throws
        -> RequestOutcome
    {
        try emit(.columns([ResultColumn(name: "procedure", type: .nvarchar(100))]))
        try emit(.row([.string(procedure)]))
        try emit(.statementDone(rowCount: 1, inProcedure: true))
        var ordinal = 0
        for parameter in parameters where parameter.isOutput {
            try emit(.returnValue(parameter, ordinal: ordinal))
            ordinal += 1
        }
        try emit(.returnStatus(0))
        return .completed
    }

    private func takeCancel() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelRequested
    }

    func cancel() {
        lock.lock()
        cancelRequested = true
        lock.unlock()
        cancelSignal.signal()
    }

    func close() {
        lock.lock()
        isClosedFlag = true
        lock.unlock()
    }
}

/// A running server with scripted engines; every engine it made is kept for inspection.
final class ScriptedServer: @unchecked Sendable {
    let server: TDSSandboxServer
    let port: Int
    private let lock = NSLock()
    private var madeEngines: [ScriptedEngine] = []

    init(configuration: TDSSandboxConfiguration = TDSSandboxConfiguration()) throws {
        server = TDSSandboxServer(configuration: configuration)
        let box = WeakBox()
        port = try server.start(host: "127.0.0.1", port: 0) { login in
            if login.user == "bad" || login.password.revealed != "secret" {
                throw SQLServerMessage(number: 18456, severity: 14, message: "Login failed for user '\(login.user)'.")
            }
            let engine = ScriptedEngine()
            box.server?.record(engine)
            return engine
        }
        box.server = self
    }

    private final class WeakBox: @unchecked Sendable {
        weak var server: ScriptedServer?
    }

    private func record(_ engine: ScriptedEngine) {
        lock.lock()
        madeEngines.append(engine)
        lock.unlock()
    }

    var engines: [ScriptedEngine] {
        lock.lock()
        defer { lock.unlock() }
        return madeEngines
    }

    deinit { server.stop() }
}

/// A blocking TDS client that reads whole server messages as bytes (``TDSTestSocket`` underneath, with a 20 s
/// receive timeout so no test can hang).
final class RawTDSClient {
    typealias SocketError = TDSTestSocket.SocketError

    private let socket: TDSTestSocket
    private var inbox: [UInt8] = []

    init(port: Int) throws {
        socket = try TDSTestSocket(port: port, receiveTimeout: 20)
    }

    /// Sends bytes as they are.
    func sendRaw(_ bytes: [UInt8]) throws {
        try socket.sendRaw(bytes)
    }

    /// Sends a message split into packets of `packetSize`.
    func send(type: UInt8, payload: [UInt8], packetSize: Int = 4096) throws {
        try socket.send(type: type, payload: payload, packetSize: packetSize)
    }

    private func fill(_ count: Int) throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while inbox.count < count {
            let received = chunk.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
            guard received > 0 else { throw SocketError(description: received == 0 ? "closed" : "recv failed") }
            inbox += chunk[0..<received]
        }
    }

    /// Reads one whole server message (packets until EOM): its payload.
    func readMessage() throws -> [UInt8] {
        var payload: [UInt8] = []
        while true {
            try fill(8)
            let length = Int(inbox[2]) << 8 | Int(inbox[3])
            guard inbox[0] == 0x04, length >= 8 else { throw SocketError(description: "bad response header") }
            try fill(length)
            payload += inbox[8..<length]
            let eom = inbox[1] & 0x01 != 0
            inbox.removeFirst(length)
            if eom { return payload }
        }
    }

    /// Whether the server closes the connection (reads until EOF or reset, discarding data).
    func waitForClose() -> Bool {
        socket.waitForClose()
    }

    /// PRELOGIN + LOGIN7; returns the login response payload.
    @discardableResult
    func login(user: String = "tester", password: String = "secret", packetSize: UInt32 = 4096) throws -> [UInt8] {
        try send(type: 0x12, payload: Array(Capture.clientPrelogin.dropFirst(8)))
        _ = try readMessage()
        try send(type: 0x10, payload: Login7Builder.message(user: user, password: password, packetSize: packetSize))
        return try readMessage()
    }

    /// Runs a SQL batch and returns the response payload.
    func batch(_ sql: String) throws -> [UInt8] {
        try send(type: 0x01, payload: RequestBuilder.sqlBatch(sql))
        return try readMessage()
    }
}

/// The bytes the sandbox should send for a list of events in a batch.
func expectedBatchResponse(_ events: [SandboxEvent], kind: TDSResponseEncoder.Kind = .batch) throws -> [UInt8] {
    var encoder = TDSResponseEncoder(
        writer: TDSTokenWriter(version: .v7_4, serverName: "TDSSANDBOX"), kind: kind, inTransaction: false)
    var buffer = ByteBuffer()
    for event in events { try encoder.encode(event, into: &buffer) }
    encoder.finish(attention: false, into: &buffer)
    return Array(buffer.readableBytesView)
}
