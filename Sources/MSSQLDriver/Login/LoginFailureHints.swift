import DBCore

/// What a failed login's message adds when the server sent no error of its own (the failure came before the
/// server judged the login): the causes the configuration makes possible, and no guess beyond them.
///
/// DB-Library reports a TLS failure only as "Adaptive Server connection failed", without saying that TLS was at
/// fault.
enum LoginFailureHints {
    /// The hint for a login to `configuration` that DB-Library failed with error `dblibNumber`: TLS's, unless no
    /// connection was made at all (no socket, unknown host), where TLS played no part.
    static func text(for configuration: ConnectionConfiguration, dblibNumber: Int?) -> String? {
        switch dblibNumber {
        case MSSQLErrorMapping.DBLibNumber.socketConnect, MSSQLErrorMapping.DBLibNumber.socketOpen,
            MSSQLErrorMapping.DBLibNumber.unknownHost:
            return nil
        default:
            return tls(configuration)
        }
    }

    /// For ``TLSMode/require`` and stricter: TLS was required, and why that can fail.
    static func tls(_ configuration: ConnectionConfiguration) -> String? {
        let mode = configuration.tls
        switch mode {
        case .disable, .allow, .prefer:
            return nil
        case .require:
            return "TLS was required (tls=\(mode.rawValue)): the server may not offer encryption"
        case .verifyCA, .verifyFull:
            let anchors =
                configuration.tlsRootCertificatePath.flatMap { $0.isEmpty ? nil : "the CA file \($0)" }
                ?? "the system's trusted CAs"
            var text =
                "TLS was required (tls=\(mode.rawValue)): the server may not offer encryption, or its certificate "
                + "did not verify against \(anchors)"
            if mode == .verifyFull { text += " or does not name the host '\(configuration.host)'" }
            return text
        }
    }
}
