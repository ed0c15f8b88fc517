import DBCore
import Foundation
import ThrowawayServers

/// The SQL Server rows of the table: the `tds-sandbox` executable started as a separate process over the throwaway
/// PostgreSQL (a database of its own), and the four workloads for the raw C loop over DB-Library, pymssql and
/// MSSQLDriver, all three against that one sandbox.
enum SQLServerBench {
    static let backend = "SQL Server (TDS sandbox)"
    static let database = "bench_sqlserver"

    /// Runs every SQL Server workload; when the sandbox cannot start, every row says why.
    ///
    /// The sandbox is the `tds-sandbox` executable in a process of its own (``SandboxProcess``), shared by the three
    /// contenders, so the client CPU per row of MSSQLDriver (this process) excludes the server as it does for the
    /// C and Python children.
    static func run(server: ThrowawayPostgres, sizes: BenchSizes) -> [WorkloadResult] {
        let external: ExternalSQLServer?
        do {
            external = try ExternalSQLServer.fromEnvironment()
        } catch {
            return notMeasured("not measured: \(ExternalSQLServer.variable): \(error)", backend: backend)
        }
        if let external { return run(against: external, sizes: sizes) }
        var results: [WorkloadResult] = []
        do {
            try withSandbox(server: server, sizes: sizes) { configuration, environment in
                let workloads = SQLServerWorkloads(configuration: configuration, sizes: sizes).timed
                results = rows(
                    workloads, Runner(repeats: sizes.repeats, environment: environment, backend: backend), sizes)
            }
        } catch let skip as BenchSkip {
            return notMeasured(skip.reason, backend: backend)
        } catch {
            return notMeasured("not measured: the TDS sandbox could not be prepared: \(error)", backend: backend)
        }
        return results
    }

    /// Starts the sandbox (or uses `BENCH_SANDBOX_PORT`'s), prepares the tables and runs `body` with the login
    /// configuration and the C loop's environment; stops the sandbox after.
    static func withSandbox(
        server: ThrowawayPostgres, sizes: BenchSizes,
        _ body: (ConnectionConfiguration, [String: String]) throws -> Void
    ) throws {
        var sandbox: SandboxProcess?
        try? server.dropDatabase(named: database)
        try server.createDatabase(named: database)
        let postgres = server.configuration(database: database, tls: .disable)
        let port: Int
        if let given = ProcessInfo.processInfo.environment["BENCH_SANDBOX_PORT"].flatMap(Int.init) {
            // A sandbox already running on 127.0.0.1 over the same PostgreSQL (for profiling under valgrind,
            // which cannot start child processes).
            port = given
        } else {
            let executable = try SandboxProcess.executablePath().get()
            print("starting the TDS sandbox (\(executable))…")
            let process = try SandboxProcess(
                executable: executable,
                postgresConnInfo:
                    "host=\(postgres.host) port=\(postgres.port ?? 5432) dbname=\(database) sslmode=disable")
            sandbox = process
            port = process.port
        }
        defer { sandbox?.stop() }
        let configuration = ConnectionConfiguration(
            host: "127.0.0.1", port: port, database: database, user: postgres.user,
            password: postgres.password, connectTimeout: 15)
        print("preparing SQL Server tables (\(sizes.fetchRows) rows, through the sandbox)…")
        try SQLServerWorkloads(configuration: configuration, sizes: sizes).prepare()
        let environment: [String: String] = [
            "DBLIB_SERVER": "\(configuration.host):\(configuration.port ?? 1433)",
            "DBLIB_USER": configuration.user ?? "", "DBLIB_PASSWORD": configuration.password?.revealed ?? "",
            "DBLIB_DATABASE": database,
        ]
        try body(configuration, environment)
    }

    /// The same rows against the server `BENCH_SQLSERVER` names (no sandbox); the backend column names the server
    /// (its `@@VERSION` product line, host, port, database and user; never the password).
    private static func run(against server: ExternalSQLServer, sizes: BenchSizes) -> [WorkloadResult] {
        var backend = "SQL Server at \(server.label)"
        do {
            print("preparing SQL Server tables (\(sizes.fetchRows) rows) on \(server.label)…")
            let workloads = SQLServerWorkloads(configuration: server.configuration, sizes: sizes)
            if let version = try workloads.serverVersion() { backend = "\(version) at \(server.label)" }
            try workloads.prepare()
        } catch {
            return notMeasured("not measured: \(server.label) could not be prepared: \(error)", backend: backend)
        }
        let runner = Runner(repeats: sizes.repeats, environment: server.childEnvironment, backend: backend)
        return rows(SQLServerWorkloads(configuration: server.configuration, sizes: sizes).timed, runner, sizes)
    }

    /// The four rows, each run by `runner`.
    private static func rows(_ workloads: DriverWorkloads, _ runner: Runner, _ sizes: BenchSizes) -> [WorkloadResult] {
        return [
            runner.run("fetch \(sizes.fetchRows) rows", unit: "rows/s", c: ["fetch"], py: ["fetch"], workloads.fetch),
            runner.run(
                "\(sizes.pointQueries) point SELECTs", unit: "queries/s", latency: true,
                c: ["point", "\(sizes.pointQueries)", "\(sizes.fetchRows)"],
                py: ["point", "\(sizes.pointQueries)", "\(sizes.fetchRows)"], workloads.pointSelects),
            runner.run(
                "executeMany insert \(sizes.manyRows) rows", unit: "rows/s",
                c: ["many", "bench_many_c", "\(sizes.manyRows)"], py: ["many", "bench_many_py", "\(sizes.manyRows)"],
                workloads.executeMany),
            runner.run(
                "bulk insert (BCP) \(sizes.copyRows) rows", unit: "rows/s",
                c: ["bcp", "bench_bcp_c", "\(sizes.copyRows)"], py: ["bcp", "bench_bcp_py", "\(sizes.copyRows)"],
                workloads.bulkCopy),
        ]
    }

    /// Runs one workload for the three contenders, alternating them, `repeats` rounds.
    private struct Runner {
        let repeats: Int
        let environment: [String: String]
        /// The backend column: the sandbox, or the external server's name.
        let backend: String

        func run(
            _ title: String, unit: String, latency: Bool = false, c cArgs: [String], py pyArgs: [String],
            _ swift: () throws -> Measurement
        ) -> WorkloadResult {
            let c = CompetitorPaths.dblibC
            let py = CompetitorPaths.pymssql
            if let only = ProcessInfo.processInfo.environment["BENCH_ONLY"],
                !only.split(separator: ",").contains(where: { title.contains($0) })
            {
                let skipped = Outcome.notMeasured("skipped (BENCH_ONLY)")
                return WorkloadResult(
                    title: title, unit: unit, backend: backend, ceiling: (c.name, skipped), peer: (py.name, skipped),
                    ours: ("MSSQLDriver", skipped), showsLatency: latency)
            }
            print("running SQL Server \(title)…")
            var ceilingRuns: [Outcome] = []
            var peerRuns: [Outcome] = []
            var ourRuns: [Outcome] = []
            for _ in 0..<repeats {
                ceilingRuns.append(repeated(1, c, cArgs, environment))
                peerRuns.append(repeated(1, py, pyArgs, environment))
                ourRuns.append(repeated(1, swift))
            }
            return WorkloadResult(
                title: title, unit: unit, backend: backend, ceiling: (c.name, medianOutcome(ceilingRuns)),
                peer: (py.name, medianOutcome(peerRuns)), ours: ("MSSQLDriver", medianOutcome(ourRuns)),
                showsLatency: latency)
        }
    }

    private static func notMeasured(_ reason: String, backend: String) -> [WorkloadResult] {
        ["fetch rows", "point SELECTs", "executeMany insert", "bulk insert (BCP)"].map { title in
            WorkloadResult(
                title: title, unit: "rows/s", backend: backend,
                ceiling: (CompetitorPaths.dblibC.name, .notMeasured(reason)),
                peer: (CompetitorPaths.pymssql.name, .notMeasured(reason)),
                ours: ("MSSQLDriver", .notMeasured(reason)), showsLatency: title == "point SELECTs")
        }
    }
}
