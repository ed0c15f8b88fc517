import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP socket on 127.0.0.1 that listens but never accepts: the kernel completes the handshake, the client sends
/// its first message, and no answer ever comes, so a connect can only end by its timeout. Closed by ``close()``.
public final class SilentListener: Sendable {
    /// The port it listens on.
    public let port: Int
    private let descriptor: Int32

    /// Opens the socket on a free port.
    public init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && listen(socketFD, 16) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        guard ready else {
            _ = SilentListener.closeDescriptor(socketFD)
            throw POSIXError(.EADDRINUSE)
        }
        descriptor = socketFD
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops listening.
    public func close() {
        _ = SilentListener.closeDescriptor(descriptor)
    }
}

extension SilentListener {
    /// The C library's `close`.
    fileprivate static func closeDescriptor(_ descriptor: Int32) -> Int32 {
        #if canImport(Glibc)
            return Glibc.close(descriptor)
        #else
            return Darwin.close(descriptor)
        #endif
    }
}
