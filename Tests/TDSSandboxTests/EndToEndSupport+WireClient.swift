import DBCore
import Foundation
import NIOCore

@testable import TDSSandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking TDS 7.4 client for the end-to-end tests: it sends requests and reads the server's token stream
/// packet by packet, decoding tokens as they arrive (``stream(_:)``) so that a result of any size is read in
/// constant memory. Every receive has a timeout, so no test can hang on a silent server.
final class WireClient {
    struct WireError: Error, CustomStringConvertible {
        var description: String
    }

    private let socket: TDSTestSocket
    /// The payload bytes of the current server message not yet consumed.
    private var payload: [UInt8] = []
    private var index = 0
    /// Whether the current message's last packet (EOM) has been read.
    private var messageEnded = true
    /// The number of packets read so far (all messages).
    private(set) var packetsRead = 0
    /// The sizes (header included) of the packets read so far that did not end their message.
    private(set) var innerPacketSizes: [Int] = []

    /// Connects to 127.0.0.1:`port`.
    init(port: Int, receiveTimeout: Int = 60) throws {
        socket = try TDSTestSocket(port: port, receiveTimeout: receiveTimeout)
    }

    // MARK: Sending

    /// Sends bytes as they are.
    func sendRaw(_ bytes: [UInt8]) throws {
        try socket.sendRaw(bytes)
    }

    /// Sends a message of `type`, split into packets of `packetSize`.
    func send(type: UInt8, payload: [UInt8], packetSize: Int = 4096) throws {
        try socket.send(type: type, payload: payload, packetSize: packetSize)
    }

    /// Sends a SQL batch (with ALL_HEADERS) without reading the answer.
    func sendBatch(_ sql: String) throws {
        try send(type: 0x01, payload: RequestBuilder.sqlBatch(sql))
    }

    /// Sends an ATTENTION (cancel) message.
    func sendAttention() throws {
        try send(type: 0x06, payload: [])
    }

    // MARK: Requests

    /// PRELOGIN then LOGIN7; returns the login response.
    @discardableResult
    func login(
        user: String, password: String, database: String = "", application: String = "e2e-tests",
        packetSize: UInt32 = 4096
    ) throws -> WireResponse {
        try send(type: 0x12, payload: Array(Capture.clientPrelogin.dropFirst(8)))
        try skipMessage()
        try send(
            type: 0x10,
            payload: Login7Builder.message(
                user: user, password: password, database: database, app: application, packetSize: packetSize))
        return try readResponse()
    }

    /// Runs a SQL batch and returns the whole decoded response.
    func batch(_ sql: String) throws -> WireResponse {
        try sendBatch(sql)
        return try readResponse()
    }

    /// Runs one `sp_executesql` RPC: the statement, the declarations and the values (typed by the parameters).
    func executeSQL(
        _ sql: String, declarations: String = "", _ parameters: [RPCParameter] = []
    ) throws
        -> WireResponse
    {
        var all = [RPCParameter(name: "", type: .nvarchar(nil), value: .string(sql))]
        if !declarations.isEmpty {
            all.append(RPCParameter(name: "", type: .nvarchar(nil), value: .string(declarations)))
        }
        all += parameters
        try send(
            type: 0x03, payload: RequestBuilder.allHeaders() + (try RequestBuilder.rpc(procID: 10, parameters: all)))
        return try readResponse()
    }

    // MARK: Reading

    /// Reads one whole response (until its message ends) and keeps every token.
    func readResponse() throws -> WireResponse {
        var tokens: [WireToken] = []
        try stream { tokens.append($0) }
        return WireResponse(tokens: tokens)
    }

    /// Reads one response, handing each token to `body` as it is decoded; nothing is kept.
    func stream(_ body: (WireToken) throws -> Void) throws {
        try startMessage()
        var decoder = WireTokenDecoder()
        while try !atEndOfMessage() {
            try body(try decoder.next(from: self))
        }
    }

    /// Reads and discards one server message (e.g. the PRELOGIN answer).
    func skipMessage() throws {
        try startMessage()
        while try !atEndOfMessage() { index = payload.count }
    }

    /// Whether the server closes the connection (reads until EOF or reset, discarding data).
    func waitForClose() -> Bool {
        socket.waitForClose()
    }

    // MARK: Payload access for the token decoder

    /// The next `count` payload bytes of the current message, reading further packets as needed.
    func take(_ count: Int) throws -> ArraySlice<UInt8> {
        try ensure(count)
        defer { index += count }
        return payload[index..<(index + count)]
    }

    /// The next payload byte.
    func byte() throws -> UInt8 {
        try ensure(1)
        defer { index += 1 }
        return payload[index]
    }

    /// A little-endian unsigned integer of `count` bytes (at most 8).
    func unsigned(_ count: Int) throws -> UInt64 {
        try ensure(count)
        var value: UInt64 = 0
        for offset in 0..<count { value |= UInt64(payload[index + offset]) << (8 * UInt64(offset)) }
        index += count
        return value
    }

    private func startMessage() throws {
        guard messageEnded else { throw WireError(description: "the previous message was not read to its end") }
        payload.removeAll(keepingCapacity: true)
        index = 0
        messageEnded = false
        try readPacket()
    }

    private func atEndOfMessage() throws -> Bool {
        while index == payload.count {
            if messageEnded { return true }
            try readPacket()
        }
        return false
    }

    private func ensure(_ count: Int) throws {
        while payload.count - index < count {
            guard !messageEnded else { throw WireError(description: "token truncated at the end of the message") }
            try readPacket()
        }
    }

    /// Reads one packet and appends its payload, dropping what was consumed.
    private func readPacket() throws {
        let header = try receive(8)
        let length = Int(header[2]) << 8 | Int(header[3])
        guard header[0] == 0x04, length >= 8 else {
            throw WireError(description: "bad packet header \(header)")
        }
        if index > 0 {
            payload.removeFirst(index)
            index = 0
        }
        payload += try receive(length - 8)
        messageEnded = header[1] & 0x01 != 0
        packetsRead += 1
        if !messageEnded { innerPacketSizes.append(length) }
    }

    private func receive(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let received = bytes.withUnsafeMutableBytes { buffer in
                recv(socket.fd, buffer.baseAddress! + filled, count - filled, 0)
            }
            guard received > 0 else {
                throw WireError(description: received == 0 ? "connection closed" : "recv failed (errno \(errno))")
            }
            filled += received
        }
        return bytes
    }
}
