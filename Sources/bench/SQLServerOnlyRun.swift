import Foundation
import ThrowawayServers

/// `BENCH_BACKEND=sqlserver` (`scripts/bench.sh sqlserver`): runs only the SQL Server rows (no PostgreSQL
/// workloads, no pool or async figures) and writes their table to `BENCH_SQLSERVER_RESULTS`
/// (`.build-bench/RESULTS-sqlserver.md` by default), leaving benchmarks/RESULTS.md alone.
enum SQLServerOnlyRun {
    /// Whether the environment asks for the SQL Server rows only.
    static var isRequested: Bool {
        ProcessInfo.processInfo.environment["BENCH_BACKEND"]?.lowercased() == "sqlserver"
    }

    /// Runs the SQL Server workloads and writes the report.
    static func run(server: ThrowawayPostgres, sizes: BenchSizes, serverVersion: String) throws {
        if try SQLServerPointProfile.runIfRequested(server: server, sizes: sizes) { return }
        let results = SQLServerBench.run(server: server, sizes: sizes)
        let report = ResultsReport(
            results: results, machine: ResultsReport.describeMachine(serverVersion: serverVersion),
            notes: SQLServerBench.targets(results))
        let markdown = report.markdown()
        print(markdown)
        let path = ProcessInfo.processInfo.environment["BENCH_SQLSERVER_RESULTS"] ?? ".build-bench/RESULTS-sqlserver.md"
        try markdown.write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    }
}

extension SQLServerBench {
    /// The SQL Server target lines: fetch ≥ 0.85x raw C and ≥ 2x pymssql, executeMany ≥ 1x pymssql.
    static func targets(_ results: [WorkloadResult]) -> [String] {
        func line(_ label: String, _ ours: Outcome, _ other: Outcome, goal: Double?) -> String {
            guard let a = ours.measurement, let b = other.measurement, b.rate > 0 else {
                return "\(label): not measured"
            }
            let ratio = a.rate / b.rate
            guard let goal else { return String(format: "%@: %.2fx", label, ratio) }
            return String(
                format: "%@: %.2fx (target ≥ %.2fx) — %@", label, ratio, goal, ratio >= goal ? "met" : "MISSED")
        }
        guard results.count == 4 else { return [] }
        let (fetch, point, many, bcp) = (results[0], results[1], results[2], results[3])
        return [
            line(
                "SQL Server fetch: MSSQLDriver vs raw C (DB-Library)", fetch.ours.outcome, fetch.ceiling.outcome,
                goal: 0.85),
            line("SQL Server fetch: MSSQLDriver vs pymssql", fetch.ours.outcome, fetch.peer.outcome, goal: 2),
            line(
                "SQL Server point SELECTs: MSSQLDriver vs raw C", point.ours.outcome, point.ceiling.outcome, goal: nil),
            line("SQL Server executeMany: MSSQLDriver vs pymssql", many.ours.outcome, many.peer.outcome, goal: 1),
            line("SQL Server BCP: MSSQLDriver vs pymssql", bcp.ours.outcome, bcp.peer.outcome, goal: nil),
            line("SQL Server BCP vs our executeMany (rows/s)", bcp.ours.outcome, many.ours.outcome, goal: nil),
        ]
    }
}
