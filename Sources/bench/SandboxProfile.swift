import Foundation

/// `BENCH_PROFILE=sandbox`: only the TDS sandbox SELECT table of ``runSandboxSelectBenchmark(rows:)`` (PGDriver
/// straight on PostgreSQL, then MSSQLDriver and the raw TDS reader through the sandbox, in one run), printed and
/// not written to the report; before any PostgreSQL workload table is prepared.
enum SandboxProfile {
    /// Runs the table and returns `true`, or returns `false` when `BENCH_PROFILE` is not `sandbox`.
    static func runIfRequested(sizes: BenchSizes) throws -> Bool {
        guard ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "sandbox" else { return false }
        print("running the TDS sandbox SELECT benchmark (\(sizes.fetchRows) rows)…")
        print(try runSandboxSelectBenchmark(rows: sizes.fetchRows))
        return true
    }
}
