import COpenSSL

/// The server's OpenSSL context (`SSL_CTX`), made once per server from the PEM files: the certificate chain,
/// the private key, TLS 1.2 only, no session tickets or renegotiation. Every session makes its own
/// ``TLSEngine`` from it.
///
/// TLS 1.2 is also the highest version: FreeTDS (like SQL Server before TDS 8) runs the handshake inside TDS
/// PRELOGIN packets and switches to raw records as soon as its own handshake call returns, which fits TLS 1.2's
/// message flow; with TLS 1.3, FreeTDS 1.3's login fails right after the handshake (checked).
///
/// `@unchecked Sendable`: the `SSL_CTX` is configured in `init` and only read afterwards (`SSL_new`), which
/// OpenSSL allows from any thread; `deinit` frees it (each `SSL` holds its own reference).
final class TLSServerContext: @unchecked Sendable {
    let context: OpaquePointer

    /// Loads `configuration`'s certificate chain and key, checking that they match.
    init(configuration: TDSSandboxTLSConfiguration) throws {
        OpenSSLErrorQueue.clear()
        guard let method = TLS_server_method(), let context = SSL_CTX_new(method) else {
            throw TDSSandboxTLSError.openSSL("cannot create an OpenSSL context")
        }
        self.context = context
        guard copenssl_ctx_set_min_tls12(context) == 1, copenssl_ctx_set_max_tls12(context) == 1 else {
            throw TDSSandboxTLSError.openSSL("cannot restrict the context to TLS 1.2")
        }
        copenssl_ctx_set_server_options(context)
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainPath) == 1 else {
            throw TDSSandboxTLSError.openSSL(
                "cannot load the certificate chain \(configuration.certificateChainPath)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TDSSandboxTLSError.openSSL("cannot load the private key \(configuration.privateKeyPath)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TDSSandboxTLSError.openSSL("the private key does not match the certificate")
        }
    }

    deinit {
        SSL_CTX_free(context)
    }
}
