import ArgumentParser
import DBCore
import Dispatch
import Foundation
import TDSSandbox
import ThrowawayServers

// `tds-sandbox [--listen HOST:PORT] [--postgres "<libpq conninfo>" | --data-dir PATH] [TLS options]`: a TDS 7.4
// server executing T-SQL on PostgreSQL. `tds-sandbox --help` lists the options (SandboxOptions.swift).

let options = SandboxOptions.parseOrExit()
let shutdown = SandboxShutdown()
let signalSources = shutdown.installSignalHandlers()

/// Writes a line to standard error, stops what was started and exits with status 1.
func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data(("tds-sandbox: " + text + "\n").utf8))
    shutdown.stopAndExit(status: 1)
}

/// Writes a progress note to standard error (standard output starts with the "listening on" line).
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

let engineFactory: SessionEngineFactory
var embedded: ThrowawayPostgres?
if let conninfo = options.postgres {
    do {
        engineFactory = try makeEngineFactory(postgres: conninfo)
    } catch {
        fail("bad --postgres connection settings: \(error)")
    }
} else {
    do {
        let postgres: ThrowawayPostgres
        if let directory = options.dataDirectory {
            note("starting the PostgreSQL kept in \(directory) ...")
            postgres = try ThrowawayPostgres.startKeeping(in: directory)
        } else {
            note("starting an embedded throwaway PostgreSQL ...")
            postgres = try ThrowawayPostgres.start()
        }
        shutdown.adopt(postgres: postgres)
        embedded = postgres
        engineFactory = PostgresSessionEngine.makeFactory(postgres: postgres.configuration())
    } catch {
        fail("cannot start the embedded PostgreSQL: \(error)")
    }
}

let server = TDSSandboxServer(
    configuration: TDSSandboxConfiguration(tls: options.tls, encryption: options.encryption?.policy))
let port: Int
do {
    port = try server.start(host: options.listen.host, port: options.listen.port, engineFactory: engineFactory)
    shutdown.adopt(server: server)
} catch let error as TDSSandboxTLSError {
    fail(error.reason)
} catch {
    fail("cannot listen on \(options.listen.defaultValueDescription): \(error)")
}
print("tds-sandbox listening on \(options.listen.host):\(port)")
if let embedded {
    let directory = embedded.rootDirectory ?? "?"
    let kept = embedded.keepsFiles ? "kept between runs" : "removed on exit"
    print("PostgreSQL: embedded on 127.0.0.1:\(embedded.port), in \(directory) (\(kept))")
    let strings = ClientConnectionStrings(
        listenHost: options.listen.host, port: port, user: embedded.superuser,
        password: embedded.superuserPassword.revealed, database: embedded.defaultDatabase, tls: options.tls != nil)
    strings.lines.forEach { print($0) }
}
fflush(nil)  // flushes stdout (referring to the C global `stdout` is not concurrency-safe)
shutdown.started()
withExtendedLifetime(signalSources) { dispatchMain() }
