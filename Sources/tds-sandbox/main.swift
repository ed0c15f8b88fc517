import Dispatch
import Foundation
import TDSSandbox

/// `tds-sandbox --listen HOST:PORT --postgres "<libpq conninfo>"`: a TDS 7.4 server executing T-SQL on PostgreSQL.
let usage = """
    usage: tds-sandbox --listen HOST:PORT --postgres "<libpq conninfo>"

      --listen HOST:PORT   address to listen on, e.g. 127.0.0.1:14330 (port 0 picks a free port)
      --postgres CONNINFO  the PostgreSQL server the sessions run on, e.g. "host=/tmp port=5432 dbname=app"

    Prints "tds-sandbox listening on HOST:PORT" once ready; stops on SIGINT or SIGTERM.
    """

/// The parsed command line.
struct Arguments {
    var host: String
    var port: Int
    var postgres: String
}

/// Parses the command line by hand; returns an error text for the user.
func parseArguments(_ arguments: [String]) -> Result<Arguments, ArgumentError> {
    var listen: String?
    var postgres: String?
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        switch argument {
        case "--help", "-h":
            return .failure(ArgumentError(message: ""))
        case "--listen", "--postgres":
            guard index + 1 < arguments.count else { return .failure(ArgumentError(message: "\(argument) needs a value")) }
            if argument == "--listen" { listen = arguments[index + 1] } else { postgres = arguments[index + 1] }
            index += 2
        default:
            return .failure(ArgumentError(message: "unknown argument \(argument)"))
        }
    }
    guard let listen else { return .failure(ArgumentError(message: "--listen is required")) }
    guard let postgres else { return .failure(ArgumentError(message: "--postgres is required")) }
    guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
        (0...65535).contains(port), colon > listen.startIndex
    else { return .failure(ArgumentError(message: "--listen wants HOST:PORT, got \(listen)")) }
    var host = String(listen[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return .success(Arguments(host: host, port: port, postgres: postgres))
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

let server = TDSSandboxServer()
let engineFactory: SessionEngineFactory
do {
    engineFactory = try makeEngineFactory(postgres: arguments.postgres)
} catch {
    fail("tds-sandbox: bad --postgres connection settings: \(error)")
}
let port: Int
do {
    port = try server.start(host: arguments.host, port: arguments.port, engineFactory: engineFactory)
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
