import ArgumentParser
import TDSSandbox

/// The command line of `tds-sandbox`: where to listen, which PostgreSQL runs the sessions, and TLS.
struct SandboxOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tds-sandbox",
        abstract: "A TDS 7.4 server that executes a T-SQL subset on PostgreSQL (not SQL Server).",
        discussion: """
            Without --postgres it starts an embedded throwaway PostgreSQL (removed on \
            exit; kept with --data-dir) and prints connection strings to paste into \
            a client. Prints "tds-sandbox listening on HOST:PORT" first once ready; \
            stops on SIGINT or SIGTERM.
            """
    )

    @Option(help: ArgumentHelp("The address to listen on; port 0 picks a free port.", valueName: "host:port"))
    var listen = ListenAddress(host: "127.0.0.1", port: 1433)

    @Option(
        help: ArgumentHelp(
            """
            An existing PostgreSQL server the sessions run on, as a libpq conninfo, e.g. "host=/tmp port=5432 \
            dbname=app". Without it the sandbox starts an embedded throwaway PostgreSQL.
            """,
            valueName: "conninfo"))
    var postgres: String?

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            """
            Keeps the embedded PostgreSQL's cluster (its data and login) in this directory between runs, made \
            on first use.
            """,
            valueName: "path"))
    var dataDirectory: String?

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp(
            "A PEM certificate chain (server certificate first) for TLS, as SQL Server's certificate.",
            valueName: "path"))
    var tlsCertificate: String?

    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp("The PEM private key of that certificate (both or neither).", valueName: "path"))
    var tlsKey: String?

    @Option(
        help: ArgumentHelp(
            """
            The PRELOGIN encryption answer. not-supported: no TLS (ENCRYPT_NOT_SUP), the default without a \
            certificate. supported: TLS when the client asks (only LOGIN7 for ENCRYPT_OFF, everything for \
            ENCRYPT_ON), the default with a certificate. required: "force encryption", everything encrypted, \
            clients that cannot encrypt are disconnected.
            """,
            valueName: "policy"))
    var encryption: EncryptionArgument?

    /// The TLS settings, when a certificate and its key were given.
    var tls: TDSSandboxTLSConfiguration? {
        guard let tlsCertificate, let tlsKey else { return nil }
        return TDSSandboxTLSConfiguration(certificateChainPath: tlsCertificate, privateKeyPath: tlsKey)
    }

    func validate() throws {
        if postgres != nil, dataDirectory != nil {
            throw ValidationError("--data-dir is for the embedded PostgreSQL; --postgres names a server of its own.")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        if tls == nil, let encryption, encryption != .notSupported {
            throw ValidationError("--encryption \(encryption.rawValue) needs --tls-cert and --tls-key.")
        }
    }
}

/// `--listen HOST:PORT` (`[::1]:PORT` for IPv6).
struct ListenAddress: ExpressibleByArgument {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), colon > argument.startIndex,
            let port = Int(argument[argument.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    var defaultValueDescription: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// `--encryption`, the values of `TDSSandboxEncryptionPolicy`.
enum EncryptionArgument: String, CaseIterable, ExpressibleByArgument {
    case notSupported = "not-supported"
    case supported
    case required

    /// The server's policy.
    var policy: TDSSandboxEncryptionPolicy {
        switch self {
        case .notSupported: .notSupported
        case .supported: .supported
        case .required: .required
        }
    }
}
