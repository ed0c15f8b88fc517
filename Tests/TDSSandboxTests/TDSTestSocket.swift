import NIOCore

@testable import TDSSandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The blocking TCP connection under the tests' TDS clients (``WireClient``, ``RawTDSClient``): it connects to
/// 127.0.0.1 with a receive timeout, so no test can hang on a silent server, and sends bytes and TDS messages.
/// Each client reads from ``fd`` in its own way.
final class TDSTestSocket {
    struct SocketError: Error, CustomStringConvertible {
        var description: String
    }

    /// The connected socket; closed when the socket object goes.
    let fd: Int32

    /// Connects to 127.0.0.1:`port`; a receive waits at most `receiveTimeout` seconds.
    init(port: Int, receiveTimeout: Int) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError(description: "socket failed") }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
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

    /// Sends bytes as they are.
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

    /// Sends a message of `type`, split into packets of `packetSize`.
    func send(type: UInt8, payload: [UInt8], packetSize: Int = 4096) throws {
        var body = ByteBuffer(bytes: payload)
        var out = ByteBuffer()
        TDSPacketLayout.writePackets(
            &body, type: TDSPacketType(rawValue: type) ?? .sqlBatch, packetSize: packetSize, spid: 0,
            endOfMessage: true, into: &out)
        try sendRaw(Array(out.readableBytesView))
    }

    /// Whether the server closes the connection (reads until EOF or reset, discarding data).
    func waitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { return true }
            if received < 0 { return errno == ECONNRESET }
        }
    }
}

/// Closes a socket descriptor.
func closeSocket(_ fd: Int32) {
    #if canImport(Glibc)
        _ = Glibc.close(fd)
    #else
        _ = Darwin.close(fd)
    #endif
}

/// `send(2)`, named apart from the clients' own `send` methods.
func socketSend(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    #if canImport(Glibc)
        return Glibc.send(fd, buffer, count, flags)
    #else
        return Darwin.send(fd, buffer, count, flags)
    #endif
}
