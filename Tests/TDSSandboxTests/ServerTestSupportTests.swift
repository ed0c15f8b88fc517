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

/// A blocking TDS client over a POSIX socket, with a receive timeout so no test can hang.
final class RawTDSClient {
    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var inbox: [UInt8] = []

    init(port: Int) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError(description: "socket failed") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            closeSocket(fd)
            throw SocketError(description: "connect failed")
        }
    }

    deinit { closeSocket(fd) }

    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                socketSend(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw SocketError(description: "send failed") }
            offset += sent
        }
    }

    /// Sends a message split into packets of `packetSize`.
    func send(type: UInt8, payload: [UInt8], packetSize: Int = 4096) throws {
        var body = ByteBuffer(bytes: payload)
        var out = ByteBuffer()
        TDSPacketLayout.writePackets(
            &body, type: TDSPacketType(rawValue: type) ?? .sqlBatch, packetSize: packetSize, spid: 0,
            endOfMessage: true, into: &out)
        try sendRaw(Array(out.readableBytesView))
    }

    private func fill(_ count: Int) throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while inbox.count < count {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
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

    /// Whether the server closes the connection (reads until EOF, discarding data).
    func waitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { return true }
            if received < 0 { return errno == ECONNRESET }
        }
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

/// Closes a socket descriptor.
func closeSocket(_ fd: Int32) {
    #if canImport(Glibc)
        _ = Glibc.close(fd)
    #else
        _ = Darwin.close(fd)
    #endif
}

/// `send(2)`, named apart from the client's own `send` method.
func socketSend(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    #if canImport(Glibc)
        return Glibc.send(fd, buffer, count, flags)
    #else
        return Darwin.send(fd, buffer, count, flags)
    #endif
}
