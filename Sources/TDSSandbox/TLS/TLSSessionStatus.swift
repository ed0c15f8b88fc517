import Foundation

/// What a session's ``TDSTLSHandler`` did, read by the session's worker at LOGIN7 and by the server.
///
/// `@unchecked Sendable`: written on the event loop and read on the worker, always under ``lock``.
final class TLSSessionStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var encryptionValue = TDSSandboxSessionEncryption.none
    private var handshakeStarted = false
    private var handshakeCompleted = false

    /// How the session's traffic is protected, as far as the handler got: `.full` once a full-mode handshake
    /// completed, `.loginOnly` once the LOGIN7 packet was decrypted in login-only mode.
    var encryption: TDSSandboxSessionEncryption {
        lock.withLock { encryptionValue }
    }

    /// Whether a handshake began and did not complete (failed, or the client went away during it).
    var handshakeFailed: Bool {
        lock.withLock { handshakeStarted && !handshakeCompleted }
    }

    func noteHandshakeStarted() {
        lock.withLock { handshakeStarted = true }
    }

    func noteHandshakeCompleted(fullEncryption: Bool) {
        lock.withLock {
            handshakeCompleted = true
            if fullEncryption { encryptionValue = .full }
        }
    }

    func noteLoginPacketDecrypted() {
        lock.withLock { encryptionValue = .loginOnly }
    }
}
