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
