// Development databases for the todos example, on 127.0.0.1, until Ctrl-C:
//   a throwaway PostgreSQL cluster (initdb + pg_ctl in a temporary folder, a free port, a random password), and
//   the TDS sandbox over it (a TDS 7.4 server that runs T-SQL on PostgreSQL), for the SQL Server driver.
// Prints one DATABASE_URL for each; everything is removed when it stops.

import DBCore
import Foundation
import TDSSandbox
import ThrowawayServers

let postgres = try ThrowawayPostgres.start()
try postgres.createDatabase(named: "todos")
try postgres.createDatabase(named: "todos_sqlserver")
let sandbox = TDSSandboxServer()
let sandboxPort = try sandbox.start(
    host: "127.0.0.1", port: 0,
    engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres.configuration(database: "todos_sqlserver")))

/// `user:password@` for a URL, percent-encoded.
func credentials() -> String {
    let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
    return "\(encode(postgres.superuser)):\(encode(postgres.superuserPassword.revealed))@"
}

// Written unbuffered, so that it shows at once even when standard output is a pipe.
FileHandle.standardOutput.write(
    Data(
        """
        # PostgreSQL (throwaway cluster, database todos):
        export DATABASE_URL='postgresql://\(credentials())\(postgres.host):\(postgres.port)/todos?sslmode=require'
        # SQL Server (the TDS sandbox on that cluster, database todos_sqlserver):
        export DATABASE_URL='sqlserver://\(credentials())127.0.0.1:\(sandboxPort)/todos_sqlserver'
        # Ctrl-C stops both and removes the cluster.

        """.utf8))

signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
var stopSources: [any DispatchSourceSignal] = []
for signalNumber in [SIGINT, SIGTERM] {
    let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
    source.setEventHandler {
        sandbox.stop()
        postgres.stop()
        exit(0)
    }
    source.resume()
    stopSources.append(source)
}
dispatchMain()
