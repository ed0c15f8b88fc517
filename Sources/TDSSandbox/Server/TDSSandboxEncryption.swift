/// The server's certificate for TLS: a certificate chain and its private key, both PEM files.
public struct TDSSandboxTLSConfiguration: Sendable, Hashable {
    /// The PEM file with the server certificate first, then any intermediate certificates.
    public var certificateChainPath: String
    /// The PEM file with the certificate's private key (unencrypted).
    public var privateKeyPath: String

    /// Creates a TLS configuration from the two PEM files; they are read when the server starts.
    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}

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

/// The outcome of the PRELOGIN encryption negotiation: the byte answered and what follows it.
struct EncryptionNegotiation: Sendable, Hashable {
    /// What follows the PRELOGIN answer.
    enum Outcome: Sendable, Hashable {
        /// Go on in plaintext.
        case plaintext
        /// A TLS handshake, then only the LOGIN7 packet encrypted.
        case loginOnly
        /// A TLS handshake, then everything encrypted.
        case full
        /// Close the connection once the answer is sent.
        case terminate
    }

    /// The ENCRYPTION byte of the server's PRELOGIN answer.
    var reply: PreloginMessage.Encryption
    /// What follows it.
    var outcome: Outcome

    /// The [MS-TDS] 2.2.6.5 table for `policy` and the client's ENCRYPTION byte (`nil` when the client sent no
    /// ENCRYPTION option, which counts as ENCRYPT_NOT_SUP). ENCRYPT_CLIENT_CERT (bit 0x80) asks for
    /// certificate authentication, which the sandbox does not offer: such a client is disconnected.
    static func negotiate(policy: TDSSandboxEncryptionPolicy, client: UInt8?) -> EncryptionNegotiation {
        let clientValue = client ?? PreloginMessage.Encryption.notSupported.rawValue
        let wantsClientCertificate = clientValue & 0x80 != 0
        let clientOption = PreloginMessage.Encryption(rawValue: clientValue & 0x7F) ?? .notSupported
        switch policy {
        case .notSupported:
            let requires = clientOption == .on || clientOption == .required || wantsClientCertificate
            return EncryptionNegotiation(reply: .notSupported, outcome: requires ? .terminate : .plaintext)
        case .supported:
            if wantsClientCertificate { return EncryptionNegotiation(reply: .notSupported, outcome: .terminate) }
            switch clientOption {
            case .off: return EncryptionNegotiation(reply: .off, outcome: .loginOnly)
            case .on, .required: return EncryptionNegotiation(reply: .on, outcome: .full)
            case .notSupported: return EncryptionNegotiation(reply: .notSupported, outcome: .plaintext)
            }
        case .required:
            if wantsClientCertificate { return EncryptionNegotiation(reply: .required, outcome: .terminate) }
            switch clientOption {
            case .off: return EncryptionNegotiation(reply: .required, outcome: .full)
            case .on, .required: return EncryptionNegotiation(reply: .on, outcome: .full)
            case .notSupported: return EncryptionNegotiation(reply: .required, outcome: .terminate)
            }
        }
    }
}
