import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The smallest TDS 7.4 client that can time the sandbox itself: PRELOGIN, LOGIN7, one SQL batch, then it reads
/// the response's packets to the end without decoding the rows, and takes the row count from the final DONE token
/// (the last 13 bytes of the message). It measures what the server can send, not what a client can decode.
final class SandboxWireReader {
    /// A socket or protocol failure.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32

    /// Connects to 127.0.0.1:`port` and logs in (no TLS) with a packet size of `packetSize`.
    init(port: Int, user: String, password: String, database: String, packetSize: Int = 8192) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            _ = close(fd)
            throw Failure(description: "connect to port \(port) failed")
        }
        try send(type: 0x12, payload: Self.prelogin())
        _ = try drainMessage()
        try send(
            type: 0x10,
            payload: Self.login7(user: user, password: password, database: database, packetSize: UInt32(packetSize)))
        let (_, tail) = try drainMessage()
        // A successful login ends with a DONE without the ERROR bit (0x0002).
        guard tail.count == 13, tail[0] == 0xFD, tail[1] & 0x02 == 0 else {
            throw Failure(description: "login failed")
        }
    }

    deinit { _ = close(fd) }

    /// Runs `sql` as a batch and reads its whole response: the bytes received and the final DONE's row count.
    func run(_ sql: String) throws -> (bytes: Int, rowCount: Int) {
        var payload: [UInt8] = [22, 0, 0, 0, 18, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]  // ALL_HEADERS
        for unit in sql.utf16 { payload += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        try send(type: 0x01, payload: payload)
        let (bytes, tail) = try drainMessage()
        guard tail.count == 13, tail[0] == 0xFD, tail[1] & 0x02 == 0 else {
            throw Failure(description: "the batch failed or did not end with DONE")
        }
        let count = tail[5..<13].reversed().reduce(0) { $0 << 8 | Int($1) }
        return (bytes, count)
    }

    /// Sends one message as a single packet (requests here are small).
    private func send(type: UInt8, payload: [UInt8]) throws {
        let length = payload.count + 8
        let packet = [type, 0x01, UInt8(length >> 8), UInt8(length & 0xFF), 0, 0, 1, 0] + payload
        var offset = 0
        while offset < packet.count {
            let sent = packet[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard sent > 0 else { throw Failure(description: "send failed") }
            offset += sent
        }
    }

    /// Reads packets until the end of the message; returns the payload bytes and the payload's last 13 bytes.
    private func drainMessage() throws -> (bytes: Int, tail: [UInt8]) {
        var total = 0
        var tail: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let header = try receive(8, into: &buffer)
            let length = Int(header[2]) << 8 | Int(header[3])
            guard header[0] == 0x04, length >= 8 else { throw Failure(description: "bad packet header") }
            let body = try receive(length - 8, into: &buffer)
            total += body.count
            tail = Array((tail + body).suffix(13))
            if header[1] & 0x01 != 0 { return (total, tail) }
        }
    }

    private func receive(_ count: Int, into buffer: inout [UInt8]) throws -> ArraySlice<UInt8> {
        var filled = 0
        while filled < count {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + filled, count - filled, 0) }
            guard received > 0 else { throw Failure(description: "connection closed while reading") }
            filled += received
        }
        return buffer[0..<count]
    }

    /// PRELOGIN: VERSION and ENCRYPTION (not supported), then the terminator.
    private static func prelogin() -> [UInt8] {
        [0x00, 0x00, 0x0B, 0x00, 0x06, 0x01, 0x00, 0x11, 0x00, 0x01, 0xFF] + [0x0C, 0x00, 0x00, 0x00, 0x00, 0x00]
            + [0x02]
    }

    /// LOGIN7 ([MS-TDS] 2.2.6.4) for TDS 7.4 with SQL authentication.
    private static func login7(user: String, password: String, database: String, packetSize: UInt32) -> [UInt8] {
        func ucs2(_ text: String) -> [UInt8] { text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
            (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
        }
        // Host, user, password, application, server, unused, library, language, database.
        let fields = ["bench", user, password, "sandbox-bench", "127.0.0.1", "", "bench", "", database]
        var data: [UInt8] = []
        var offsets: [UInt8] = []
        let fixedLength = 94
        for (index, field) in fields.enumerated() {
            var bytes = ucs2(field)
            if index == 2 {
                // Password obfuscation: swap the nibbles of each byte, then XOR 0xA5.
                bytes = bytes.map { (($0 << 4) | ($0 >> 4)) ^ 0xA5 }
            }
            offsets += le(UInt16(fixedLength + data.count)) + le(UInt16(field.utf16.count))
            data += bytes
        }
        var message = le(UInt32(fixedLength + data.count)) + le(UInt32(0x7400_0004)) + le(packetSize)
        message += [UInt8](repeating: 0, count: 12)  // client version, PID, connection ID
        message += [0xE0, 0x03, 0x00, 0x00]  // option flags 1-3, type flags
        message += [UInt8](repeating: 0, count: 8)  // time zone, LCID
        message += offsets
        message += [UInt8](repeating: 0, count: 6 + 16)  // client ID; SSPI, attach file, change password, SSPI long
        return message + data
    }
}
