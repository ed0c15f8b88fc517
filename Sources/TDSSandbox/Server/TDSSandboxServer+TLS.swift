extension TDSSandboxServer {
    /// The context every session's TLS engine is made from, or `nil` for a server without TLS; throws when the
    /// policy needs a certificate that is missing or unusable.
    static func makeTLSContext(_ configuration: TDSSandboxConfiguration) throws -> TLSServerContext? {
        guard let tls = configuration.tls else {
            guard configuration.encryption == .notSupported else {
                throw TDSSandboxTLSError(
                    "the encryption policy '\(configuration.encryption.rawValue)' needs a certificate and key")
            }
            return nil
        }
        return try TLSServerContext(configuration: tls)
    }
}
