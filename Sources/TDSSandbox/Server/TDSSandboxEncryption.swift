/// What the server answers in the ENCRYPTION option of PRELOGIN ([MS-TDS] 2.2.6.5), as SQL Server's
/// "force encryption" setting and certificate decide it.
public enum TDSSandboxEncryptionPolicy: String, Sendable, Hashable, CaseIterable {
    /// No TLS at all: the server answers ENCRYPT_NOT_SUP, and a client that requires encryption (ENCRYPT_ON)
    /// is disconnected. The default without a certificate.
    case notSupported = "not-supported"
    /// A server with a certificate that does not force encryption (ENCRYPT_OFF): a client saying ENCRYPT_OFF
    /// gets its LOGIN7 packet encrypted and the rest in plaintext; a client saying ENCRYPT_ON gets the whole
    /// connection encrypted; a client saying ENCRYPT_NOT_SUP gets none. The default with a certificate.
    case supported
    /// "Force encryption" (ENCRYPT_ON): every client that can encrypt gets the whole connection encrypted
    /// (the server answers ENCRYPT_REQ to ENCRYPT_OFF); a client saying ENCRYPT_NOT_SUP is disconnected right
    /// after the PRELOGIN answer.
    case required
}

/// How one session's traffic was protected.
public enum TDSSandboxSessionEncryption: String, Sendable, Hashable, CaseIterable {
    /// Plaintext throughout.
    case none
    /// Only the LOGIN7 packet went through TLS; the session went back to plaintext after it.
    case loginOnly = "login-only"
    /// TLS from the LOGIN7 packet to the end of the session.
    case full
}
