import DBCore
import Foundation
import MSSQLDriver
import ThrowawayServers

/// `BENCH_PROFILE=mssql-fetch`: MSSQLDriver's side of the SQL Server fetch workload alone, once, through the TDS
/// sandbox (row views; `BENCH_MSSQL_ROWS=1`: `Row`s), for `valgrind --tool=callgrind`. Under valgrind, start the
/// sandbox beforehand over the same PostgreSQL (`DBHOST`…) and name its port in `BENCH_SANDBOX_PORT`; collect with
/// `--toggle-collect` on `fetchViews` / `fetchRows` (the read alone: no connect, no table preparation), as
/// `benchmarks/c/dblib_bench.c`'s `fetch_rows`. The table is filled only when it lacks `BENCH_SCALE`'s row count.
enum SQLServerProfile {
    /// Whether the environment asks for this profile.
    static var isRequested: Bool { ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "mssql-fetch" }

    /// Runs the fetch once and prints its figures.
    static func run(server: ThrowawayPostgres, sizes: BenchSizes) throws {
        let environment = ProcessInfo.processInfo.environment
        let postgres = server.configuration(database: SQLServerBench.database, tls: .disable)
        var sandbox: SandboxProcess?
        let port: Int
        if let given = environment["BENCH_SANDBOX_PORT"].flatMap(Int.init) {
            port = given
        } else {
            try? server.createDatabase(named: SQLServerBench.database)
            let connInfo =
                "host=\(postgres.host) port=\(postgres.port ?? 5432) dbname=\(SQLServerBench.database) sslmode=disable"
            let process = try SandboxProcess(
                executable: try SandboxProcess.executablePath().get(), postgresConnInfo: connInfo)
            sandbox = process
            port = process.port
        }
        defer { sandbox?.stop() }
        let configuration = ConnectionConfiguration(
            host: "127.0.0.1", port: port, database: SQLServerBench.database, user: postgres.user,
            password: postgres.password, connectTimeout: 15)
        let workloads = SQLServerWorkloads(configuration: configuration, sizes: sizes)
        if try existingRows(configuration) != sizes.fetchRows {
            print("preparing bench_fetch (\(sizes.fetchRows) rows)…")
            try workloads.prepare()
        }
        var timed = workloads.timed
        timed.readsRowViews = environment["BENCH_MSSQL_ROWS"] != "1"
        let m = try timed.fetch()
        print(
            String(
                format: "profile mssql-fetch (%@): %d rows in %.3f s (%.0f rows/s, %.3f µs CPU/row)",
                timed.readsRowViews ? "row views" : "rows", m.rows, m.seconds, m.rate, m.cpuMicrosPerRow))
    }

    /// The rows bench_fetch holds, or -1 when it does not exist.
    private static func existingRows(_ configuration: ConnectionConfiguration) throws -> Int {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("SELECT CASE WHEN OBJECT_ID('bench_fetch') IS NULL THEN 0 ELSE 1 END")
        guard try cursor.fetchOne()?[0] == .int(1) else { return -1 }
        try cursor.execute("SELECT COUNT(*) FROM bench_fetch")
        guard case .int(let count)? = try cursor.fetchOne()?[0] else { return -1 }
        return Int(count)
    }
}
