import DBCore

/// What a failed login's message adds when the server sent no error of its own (the failure came before the
/// server judged the login): the causes the configuration makes possible, and no guess beyond them.
///
/// DB-Library reports these failures only as "Adaptive Server connection failed" or "unavailable or does not
/// exist", without saying whether TLS or the instance lookup was at fault.
enum LoginFailureHints {
    /// The hints for a login to `configuration` that DB-Library failed with error `dblibNumber`, joined: the
    /// instance lookup's when no socket could be connected (FreeTDS reports an instance whose port the Browser did
    /// not give as "unable to connect"), TLS's when a connection was made and then failed.
    static func text(for configuration: ConnectionConfiguration, dblibNumber: Int?) -> String? {
        var hints: [String] = []
        switch dblibNumber {
        case MSSQLErrorMapping.DBLibNumber.socketConnect:
            if let hint = instance(configuration) { hints.append(hint) }
        case MSSQLErrorMapping.DBLibNumber.socketOpen, MSSQLErrorMapping.DBLibNumber.unknownHost:
            break
        default:
            if let hint = tls(configuration) { hints.append(hint) }
        }
        return hints.isEmpty ? nil : hints.joined(separator: "; ")
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

    /// For `host\instance`: FreeTDS found the port through the SQL Server Browser, which may not have answered.
    static func instance(_ configuration: ConnectionConfiguration) -> String? {
        guard configuration.port == nil, let name = configuration.instanceName, !name.isEmpty else { return nil }
        return "the SQL Server Browser (UDP port 1434 on \(configuration.host)) may not have given a TCP port for "
            + "instance '\(name)': the instance may not exist there, or the Browser may not be running or reachable"
    }
}
