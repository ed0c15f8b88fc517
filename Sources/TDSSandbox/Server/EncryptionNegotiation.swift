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
