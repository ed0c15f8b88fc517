import Dispatch
import Foundation
import TDSSandbox

/// `tds-sandbox --listen HOST:PORT --postgres "<libpq conninfo>" [TLS options]`: a TDS 7.4 server executing
/// T-SQL on PostgreSQL.
let usage = """
    usage: tds-sandbox --listen HOST:PORT --postgres "<libpq conninfo>"
                       [--tls-cert PATH --tls-key PATH] [--encryption not-supported|supported|required]

      --listen HOST:PORT   address to listen on, e.g. 127.0.0.1:14330 (port 0 picks a free port)
      --postgres CONNINFO  the PostgreSQL server the sessions run on, e.g. "host=/tmp port=5432 dbname=app"
      --tls-cert PATH      PEM certificate chain (server certificate first) for TLS, as SQL Server's certificate
      --tls-key PATH       PEM private key of that certificate (both or neither)
      --encryption POLICY  the PRELOGIN encryption answer:
                             not-supported  no TLS (ENCRYPT_NOT_SUP); the default without a certificate
                             supported      TLS when the client asks: only LOGIN7 for ENCRYPT_OFF, everything
                                            for ENCRYPT_ON; the default with a certificate
                             required       "force encryption": everything encrypted; clients that cannot
                                            encrypt are disconnected

    Prints "tds-sandbox listening on HOST:PORT" once ready; stops on SIGINT or SIGTERM.
    """

/// The parsed command line.
struct Arguments {
    var host: String
    var port: Int
    var postgres: String
    var tls: TDSSandboxTLSConfiguration?
    var encryption: TDSSandboxEncryptionPolicy?
}

/// Parses the command line by hand; returns an error text for the user.
func parseArguments(_ arguments: [String]) -> Result<Arguments, ArgumentError> {
    var listen: String?
    var postgres: String?
    var certificate: String?
    var key: String?
    var encryption: TDSSandboxEncryptionPolicy?
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        switch argument {
        case "--help", "-h":
            return .failure(ArgumentError(message: ""))
        case "--listen", "--postgres", "--tls-cert", "--tls-key", "--encryption":
            guard index + 1 < arguments.count else {
                return .failure(ArgumentError(message: "\(argument) needs a value"))
            }
            let value = arguments[index + 1]
            switch argument {
            case "--listen": listen = value
            case "--postgres": postgres = value
            case "--tls-cert": certificate = value
            case "--tls-key": key = value
            default:
                guard let policy = TDSSandboxEncryptionPolicy(rawValue: value) else {
                    return .failure(
                        ArgumentError(message: "--encryption wants not-supported, supported or required, got \(value)"))
                }
                encryption = policy
            }
            index += 2
        default:
            return .failure(ArgumentError(message: "unknown argument \(argument)"))
        }
    }
    guard let listen else { return .failure(ArgumentError(message: "--listen is required")) }
    guard let postgres else { return .failure(ArgumentError(message: "--postgres is required")) }
    guard (certificate == nil) == (key == nil) else {
        return .failure(ArgumentError(message: "--tls-cert and --tls-key go together"))
    }
    let tls = certificate.flatMap { certificate in
        key.map { TDSSandboxTLSConfiguration(certificateChainPath: certificate, privateKeyPath: $0) }
    }
    if tls == nil, let encryption, encryption != .notSupported {
        return .failure(ArgumentError(message: "--encryption \(encryption.rawValue) needs --tls-cert and --tls-key"))
    }
    guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
        (0...65535).contains(port), colon > listen.startIndex
    else { return .failure(ArgumentError(message: "--listen wants HOST:PORT, got \(listen)")) }
    var host = String(listen[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return .success(Arguments(host: host, port: port, postgres: postgres, tls: tls, encryption: encryption))
}

/// A command-line mistake.
struct ArgumentError: Error {
    var message: String
}

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(2)
}

let arguments: Arguments
switch parseArguments(Array(CommandLine.arguments.dropFirst())) {
case .success(let parsed): arguments = parsed
case .failure(let error):
    if error.message.isEmpty {
        print(usage)
        exit(0)
    }
    fail("tds-sandbox: \(error.message)\n\n\(usage)")
}

let server = TDSSandboxServer(
    configuration: TDSSandboxConfiguration(tls: arguments.tls, encryption: arguments.encryption))
let engineFactory: SessionEngineFactory
do {
    engineFactory = try makeEngineFactory(postgres: arguments.postgres)
} catch {
    fail("tds-sandbox: bad --postgres connection settings: \(error)")
}
let port: Int
do {
    port = try server.start(host: arguments.host, port: arguments.port, engineFactory: engineFactory)
} catch let error as TDSSandboxTLSError {
    fail("tds-sandbox: \(error.reason)")
} catch {
    fail("tds-sandbox: cannot listen on \(arguments.host):\(arguments.port): \(error)")
}
print("tds-sandbox listening on \(arguments.host):\(port)")
fflush(nil)  // flushes stdout (referring to the C global `stdout` is not concurrency-safe)

signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
// The handlers run on the main queue: top-level code is main-actor isolated, and a handler on another queue
// fails the runtime's isolation check (the process died of SIGILL instead of stopping).
let signalSources = [SIGINT, SIGTERM].map { number in
    let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
    source.setEventHandler {
        server.stop()
        exit(0)
    }
    source.resume()
    return source
}
withExtendedLifetime(signalSources) { dispatchMain() }
