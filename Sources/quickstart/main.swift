// The Azure quickstarts, in Swift, through DBCore.
//
//   swift run quickstart                    # PostgreSQL: a throwaway cluster on 127.0.0.1, the inventory flow
//   swift run quickstart --backend mssql    # SQL Server: the same inventory flow, then the pymssql flow; without
//                                           # DBHOST it starts a throwaway PostgreSQL and the TDS sandbox in-process
//   DBHOST=... DBNAME=... DBUSER=... DBPASSWORD=... [DBPORT=...] [SSLMODE=require] swift run quickstart [--backend …]
//
// With DBHOST set, the named server is used as it is (for mssql the port defaults to 1433). With DBHOST set and
// DBPASSWORD unset, PostgreSQL signs in through DefaultAzureCredential (PasswordlessSignIn.swift).

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

func parseBackend(_ arguments: [String]) throws -> DatabaseBackend {
    var backend = DatabaseBackend.postgresql
    var index = 0
    while index < arguments.count {
        switch arguments[index] {
        case "--backend":
            guard index + 1 < arguments.count else {
                throw DatabaseError.invalidConfiguration("--backend needs a value: postgres or mssql")
            }
            switch arguments[index + 1] {
            case "postgres", "postgresql", "pg": backend = .postgresql
            case "mssql", "sqlserver", "sql-server": backend = .sqlServer
            default:
                throw DatabaseError.invalidConfiguration(
                    "unknown backend '\(arguments[index + 1])'; use postgres or mssql")
            }
            index += 2
        case "-h", "--help":
            print("usage: quickstart [--backend postgres|mssql]")
            exit(0)
        default:
            throw DatabaseError.invalidConfiguration("unknown argument '\(arguments[index])'")
        }
    }
    return backend
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

do {
    let backend = try parseBackend(Array(CommandLine.arguments.dropFirst()))
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
