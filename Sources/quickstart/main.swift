// The Azure quickstarts, in Swift, through DBCore.
//
//   swift run quickstart                    # PostgreSQL: a throwaway cluster on 127.0.0.1, the inventory flow
//   swift run quickstart --backend mssql    # SQL Server: the same inventory flow, then the pymssql flow; without
//                                           # DBHOST it starts a throwaway PostgreSQL and the TDS sandbox in-process
//   DBHOST=... DBNAME=... DBUSER=... DBPASSWORD=... [DBPORT=...] [SSLMODE=require] swift run quickstart [--backend …]
//
// With DBHOST set, the named server is used as it is (for mssql the port defaults to 1433). With DBHOST set and
// DBPASSWORD unset, PostgreSQL signs in through DefaultAzureCredential (PasswordlessSignIn.swift).
// `swift run quickstart --help` lists the options (QuickstartOptions.swift).

import ArgumentParser
import DBCore
import Foundation
import MSSQLDriver
import PGDriver
import TDSSandbox
import ThrowawayServers

/// Writes a progress note to standard error, keeping standard output to the quickstart's own lines.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The servers this run started itself, stopped at the end.
final class LocalServers {
    var postgres: ThrowawayPostgres?
    var sandbox: TDSSandboxServer?

    func stop() {
        sandbox?.stop()
        postgres?.stop()
    }
}

let backend = QuickstartOptions.parseOrExit().backend.backend
do {
    let local = LocalServers()
    defer { local.stop() }
    var configuration: ConnectionConfiguration
    if let fromEnvironment = try ConnectionConfiguration.fromEnvironment(backend: backend) {
        configuration = try passwordlessSignIn(fromEnvironment, backend: backend, note: note)
    } else {
        note("DBHOST is not set: starting a throwaway PostgreSQL on 127.0.0.1 ...")
        let postgres = try ThrowawayPostgres.start()
        local.postgres = postgres
        configuration = postgres.configuration()
        note("throwaway PostgreSQL ready on \(postgres.host):\(postgres.port)")
        if backend == .sqlServer {
            let sandbox = TDSSandboxServer()
            let port = try sandbox.start(
                host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: configuration))
            local.sandbox = sandbox
            configuration = ConnectionConfiguration(
                backend: .sqlServer, host: "127.0.0.1", port: port, database: postgres.defaultDatabase,
                user: postgres.superuser, password: postgres.superuserPassword, applicationName: "quickstart")
            note("TDS sandbox (T-SQL on that PostgreSQL) ready on 127.0.0.1:\(port)")
        }
    }
    let settings = configuration
    let connect: () throws -> any DatabaseConnection
    switch backend {
    case .postgresql: connect = { try PGConnection.connect(settings) }
    case .sqlServer: connect = { try MSSQLConnection.connect(settings) }
    }
    try InventoryQuickstart(connect: connect, print: { print($0) }).run()
    if backend == .sqlServer {
        try SalesLTQuickstart(connect: connect, print: { print($0) }).run()
    }
} catch {
    note("quickstart failed: \(error)")
    exit(1)
}
