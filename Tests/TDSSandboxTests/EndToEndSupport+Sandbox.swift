import DBCore
import Foundation
import PGDriver
import TDSSandbox
import Testing
import ThrowawayServers

/// One end-to-end fixture: a new database on the shared throwaway PostgreSQL, a ``TDSSandboxServer`` running the
/// real ``PostgresSessionEngine`` on it, and a PGDriver connection to watch the server's backends
/// (`pg_stat_activity`). Clients log in with an application name of their own, which the engine passes to
/// PostgreSQL as `application_name`, so a test sees exactly its own backends.
final class EndToEndSandbox {
    let postgres: ThrowawayPostgres
    let database: String
    let configuration: ConnectionConfiguration
    let server: TDSSandboxServer
    let port: Int
    /// The connection that reads `pg_stat_activity`, opened on first use (most tests never need one, and the
    /// whole test process shares the server's connection limit).
    private var monitorConnection: PGConnection?

    /// Starts a sandbox with `serverConfiguration` (the default: no TLS) on a new database.
    init(serverConfiguration: TDSSandboxConfiguration = TDSSandboxConfiguration()) throws {
        postgres = try ThrowawayPostgres.shared()
        database = "e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try postgres.createDatabase(named: database)
        configuration = postgres.configuration(database: database)
        server = TDSSandboxServer(configuration: serverConfiguration)
        port = try server.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: configuration))
    }

    deinit {
        server.stop()
        monitorConnection?.close()
    }

    var user: String { configuration.user ?? "postgres" }
    var password: String { configuration.password?.revealed ?? "" }

    /// A new raw client, logged in (the login must succeed).
    func client(application: String = "e2e-tests", packetSize: UInt32 = 4096) throws -> WireClient {
        let client = try WireClient(port: port)
        let response = try client.login(
            user: user, password: password, database: database, application: application, packetSize: packetSize)
        guard response.errors.isEmpty,
            response.tokens.contains(where: { if case .loginAck = $0 { true } else { false } })
        else {
            throw WireClient.WireError(description: "login failed: \(response.errors)")
        }
        return client
    }

    private func monitor() throws -> PGConnection {
        if let monitorConnection { return monitorConnection }
        let connection = try PGConnection.connect(postgres.configuration(database: "postgres"))
        // Autocommit: inside one transaction, pg_stat_activity would keep showing its first snapshot.
        try connection.setAutocommit(true)
        monitorConnection = connection
        return connection
    }

    /// The PostgreSQL backends of this test's database opened for `application`: pid, state and current query.
    func backends(application: String) throws -> [(pid: Int, state: String, query: String)] {
        let rows = try monitor().query(
            """
            SELECT pid, COALESCE(state, ''), COALESCE(query, '') FROM pg_stat_activity
            WHERE datname = \(bind: database) AND application_name = \(bind: application) ORDER BY pid
            """)
        return rows.map { row in
            var pid = 0
            var state = ""
            var query = ""
            if case .int(let value) = row.values[0] { pid = Int(value) }
            if case .string(let value) = row.values[1] { state = value }
            if case .string(let value) = row.values[2] { query = value }
            return (pid, state, query)
        }
    }

    /// Whether a backend of `application` is waiting for a lock (blocked by another session).
    func isWaitingForLock(application: String) throws -> Bool {
        let rows = try monitor().query(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = \(bind: database) AND application_name = \(bind: application) AND wait_event_type = 'Lock'
            """)
        return rows.first?.values.first.map { $0 != .int(0) } ?? false
    }

    /// Polls `condition` every 50 ms for up to `seconds`; returns whether it became true. A bound on waiting,
    /// never a timing assertion: a slow machine only waits longer.
    func eventually(seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if try condition() { return true }
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Runs FreeTDS's `tsql` against the sandbox (empty freetds.conf, TDS 7.4) with `input` on stdin; returns
    /// what it printed, parsed.
    func tsql(_ input: String) throws -> TsqlOutput {
        let output = try FreeTDSTool.capture(
            "tsql", ["-H", "127.0.0.1", "-p", String(port), "-U", user, "-P", password, "-D", database], input: input)
        return TsqlOutput(standardOutput: output.standardOutput, standardError: output.standardError)
    }

    /// Whether FreeTDS's `tsql` is installed.
    static let hasTsql = FileManager.default.isExecutableFile(atPath: "/usr/bin/tsql")
}
