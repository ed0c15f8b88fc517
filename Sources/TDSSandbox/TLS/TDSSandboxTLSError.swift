import COpenSSL

/// A TLS setup failure: the certificate or key could not be loaded, or an encryption policy needs a certificate
/// that was not given. Thrown by ``TDSSandboxServer/start(host:port:engineFactory:)``.
public struct TDSSandboxTLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, with OpenSSL's reason when there is one.
    public var reason: String

    /// Creates an error with `reason`.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// A short text naming the failure.
    public var description: String { "TDS sandbox TLS error: \(reason)" }

    /// An error for `step`, with the reasons OpenSSL queued on this thread (the queue is emptied).
    static func openSSL(_ step: String) -> TDSSandboxTLSError {
        let reasons = OpenSSLErrorQueue.drain()
        return TDSSandboxTLSError(reasons.isEmpty ? step : "\(step): \(reasons.joined(separator: "; "))")
    }
}

/// OpenSSL's per-thread error queue.
enum OpenSSLErrorQueue {
    /// Empties the queue and returns its entries as text, oldest first.
    static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            let end = text.firstIndex(of: 0) ?? text.count
            reasons.append(String(decoding: text[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons
    }

    /// Discards whatever is queued, so the next call's failure is read alone.
    static func clear() {
        ERR_clear_error()
    }
}
