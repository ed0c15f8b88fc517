import ArgumentParser
import Dispatch
import Foundation
import TDSSandbox

// `tds-sandbox --listen HOST:PORT --postgres "<libpq conninfo>" [TLS options]`: a TDS 7.4 server executing
// T-SQL on PostgreSQL. `tds-sandbox --help` lists the options (SandboxOptions.swift).

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(1)
}

let options = SandboxOptions.parseOrExit()

let server = TDSSandboxServer(
    configuration: TDSSandboxConfiguration(tls: options.tls, encryption: options.encryption?.policy))
let engineFactory: SessionEngineFactory
do {
    engineFactory = try makeEngineFactory(postgres: options.postgres)
} catch {
    fail("tds-sandbox: bad --postgres connection settings: \(error)")
}
let port: Int
do {
    port = try server.start(host: options.listen.host, port: options.listen.port, engineFactory: engineFactory)
} catch let error as TDSSandboxTLSError {
    fail("tds-sandbox: \(error.reason)")
} catch {
    fail("tds-sandbox: cannot listen on \(options.listen.defaultValueDescription): \(error)")
}
print("tds-sandbox listening on \(options.listen.host):\(port)")
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
