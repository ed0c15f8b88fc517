import COpenSSL
import NIOCore

/// One session's server-side TLS over OpenSSL memory BIOs: bytes from the network go in with ``feed(_:)``,
/// bytes for the network come out of ``takeOutput(allocator:)``; it never touches a socket.
///
/// Used only on its channel's event loop (OpenSSL's error queue is per thread, and so is every call here).
/// ``close()`` frees the `SSL` (and its two BIOs) at once; `deinit` does it if nobody did.
final class TLSEngine {
    /// Where a handshake stands after a step.
    enum HandshakeProgress: Equatable {
        /// More bytes from the client are needed.
        case inProgress
        /// The handshake is complete.
        case complete
        /// The handshake failed (OpenSSL's reasons).
        case failed(String)
    }

    /// What ``readPlaintext(into:)`` found.
    enum ReadOutcome: Equatable {
        /// Every complete record was decrypted; more bytes are needed for the next.
        case needMoreBytes
        /// The client closed TLS (close_notify).
        case closedByPeer
    }

    private var ssl: OpaquePointer?
    /// The BIO OpenSSL reads network bytes from (owned by `ssl`).
    private let networkIn: OpaquePointer
    /// The BIO OpenSSL writes network bytes to (owned by `ssl`).
    private let networkOut: OpaquePointer

    /// Creates the session's `SSL` in server mode.
    init(context: TLSServerContext) throws {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.context) else { throw TDSSandboxTLSError.openSSL("SSL_new failed") }
        guard let input = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TDSSandboxTLSError.openSSL("BIO_new failed")
        }
        guard let output = BIO_new(BIO_s_mem()) else {
            BIO_free(input)
            SSL_free(ssl)
            throw TDSSandboxTLSError.openSSL("BIO_new failed")
        }
        // An empty input BIO means "wait for more", not end of file.
        _ = copenssl_bio_set_mem_eof_return(input, -1)
        SSL_set_bio(ssl, input, output)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.networkIn = input
        self.networkOut = output
    }

    deinit {
        close()
    }

    /// Frees the `SSL` and its BIOs. Idempotent; every other call fails afterwards.
    func close() {
        if let ssl {
            SSL_free(ssl)
            self.ssl = nil
        }
    }

    /// The negotiated protocol version, e.g. "TLSv1.2".
    var protocolVersion: String {
        guard let ssl, let name = SSL_get_version(ssl) else { return "" }
        return String(cString: name)
    }

    /// Hands bytes received from the network to OpenSSL.
    func feed(_ bytes: ByteBuffer) {
        guard ssl != nil, bytes.readableBytes > 0 else { return }
        bytes.withUnsafeReadableBytes { raw in
            // A memory BIO grows as needed: the write takes everything.
            _ = BIO_write(networkIn, raw.baseAddress, Int32(raw.count))
        }
    }

    /// Runs the handshake as far as the bytes fed so far allow.
    func handshake() -> HandshakeProgress {
        guard let ssl else { return .failed("the TLS session is closed") }
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .complete }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return .inProgress }
        let reasons = OpenSSLErrorQueue.drain()
        return .failed(reasons.isEmpty ? "SSL_do_handshake error \(error)" : reasons.joined(separator: "; "))
    }

    /// Decrypts every complete record fed so far, appending the plaintext to `buffer`.
    func readPlaintext(into buffer: inout ByteBuffer) throws -> ReadOutcome {
        guard let ssl else { throw TDSSandboxTLSError("the TLS session is closed") }
        let chunk = 16 * 1024
        while true {
            OpenSSLErrorQueue.clear()
            var result: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { raw in
                result = SSL_read(ssl, raw.baseAddress, Int32(min(raw.count, Int(Int32.max))))
                return Int(max(0, result))
            }
            if result > 0 { continue }
            let error = SSL_get_error(ssl, result)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needMoreBytes
            case SSL_ERROR_ZERO_RETURN: return .closedByPeer
            default: throw TDSSandboxTLSError.openSSL("SSL_read failed (\(error))")
            }
        }
    }

    /// Encrypts `plaintext` (all of it) into records waiting in ``takeOutput(allocator:)``.
    func encrypt(_ plaintext: ByteBuffer) throws {
        guard let ssl else { throw TDSSandboxTLSError("the TLS session is closed") }
        var remaining = plaintext
        while remaining.readableBytes > 0 {
            OpenSSLErrorQueue.clear()
            let written = remaining.withUnsafeReadableBytes { raw in
                SSL_write(ssl, raw.baseAddress, Int32(min(raw.count, Int(Int32.max))))
            }
            guard written > 0 else {
                throw TDSSandboxTLSError.openSSL("SSL_write failed (\(SSL_get_error(ssl, written)))")
            }
            remaining.moveReaderIndex(forwardBy: Int(written))
        }
    }

    /// The bytes OpenSSL produced for the network since the last call, or `nil` when there are none.
    func takeOutput(allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard ssl != nil else { return nil }
        let pending = copenssl_bio_pending(networkOut)
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: Int(pending))
        while true {
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 4096) { raw in
                Int(max(0, BIO_read(networkOut, raw.baseAddress, Int32(raw.count))))
            }
            if count == 0 { break }
        }
        return buffer.readableBytes > 0 ? buffer : nil
    }
}
