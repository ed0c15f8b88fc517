// The Azure PostgreSQL quickstart, in Swift, through DBCore.
//
//   swift run quickstart                       # starts a throwaway PostgreSQL on 127.0.0.1 and runs the flow
//   DBHOST=... DBNAME=... DBUSER=... DBPASSWORD=... SSLMODE=require swift run quickstart
//
// Options: --backend postgres (the default; the SQL Server backend arrives with MSSQLDriver).

import DBCore
import Foundation
import PGDriver
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
                throw DatabaseError.invalidConfiguration("--backend needs a value: postgres")
            }
            switch arguments[index + 1] {
            case "postgres", "postgresql": backend = .postgresql
            default:
                throw DatabaseError.invalidConfiguration(
                    "unknown backend '\(arguments[index + 1])'; this build has: postgres")
            }
            index += 2
        case "-h", "--help":
            print("usage: quickstart [--backend postgres]")
            exit(0)
        default:
            throw DatabaseError.invalidConfiguration("unknown argument '\(arguments[index])'")
        }
    }
    return backend
}

do {
    _ = try parseBackend(Array(CommandLine.arguments.dropFirst()))
    var throwaway: ThrowawayPostgres?
    let configuration: ConnectionConfiguration
    if let fromEnvironment = try ConnectionConfiguration.fromEnvironment(backend: .postgresql) {
        configuration = fromEnvironment
    } else {
        note("DBHOST is not set: starting a throwaway PostgreSQL on 127.0.0.1 ...")
        let server = try ThrowawayPostgres.start()
        throwaway = server
        configuration = server.configuration()
        note("throwaway PostgreSQL ready on \(server.host):\(server.port)")
    }
    defer { throwaway?.stop() }

    let quickstart = InventoryQuickstart(
        connect: { try PGConnection.connect(configuration) },
        print: { print($0) })
    try quickstart.run()
} catch {
    note("quickstart failed: \(error)")
    exit(1)
}
