import DBCore
import Foundation
import ThrowawayServers

/// `BENCH_BACKEND=sqlserver BENCH_PROFILE=point`: the SQL Server point-SELECT workload alone, in alternating rounds
/// of the raw C loop over DB-Library (`sp_executesql` every time), MSSQLDriver with its statement cache switched
/// off (`prepare_threshold=none`: `sp_executesql` every time, as the C loop) and MSSQLDriver as configured
/// (default: `sp_prepare` after 5 runs, then `sp_execute` by handle), all through one sandbox in one run.
/// `BENCH_PROFILE=point-swift` runs only MSSQLDriver's side once (for `valgrind --tool=callgrind`, with
/// `BENCH_SANDBOX_PORT` naming a sandbox started beforehand; the cache follows `BENCH_PREPARE_THRESHOLD`).
enum SQLServerPointProfile {
    /// Runs the requested profile and returns `true`, or returns `false` when `BENCH_PROFILE` names another.
    static func runIfRequested(server: ThrowawayPostgres, sizes: BenchSizes) throws -> Bool {
        let name = ProcessInfo.processInfo.environment["BENCH_PROFILE"]
        guard name == "point" || name == "point-swift" else { return false }
        try SQLServerBench.withSandbox(server: server, sizes: sizes) { configuration, environment in
            var configured = configuration
            if let threshold = ProcessInfo.processInfo.environment["BENCH_PREPARE_THRESHOLD"] {
                configured.options[StatementCacheSettings.thresholdOption] = threshold
            }
            let cached = SQLServerWorkloads(configuration: configured, sizes: sizes).timed
            if name == "point-swift" {
                let m = try cached.pointSelects()
                print(
                    String(
                        format:
                            "profile point-swift (SQL Server): %d queries in %.3f s (%.0f queries/s, %.2f µs CPU/query)",
                        m.rows, m.seconds, m.rate, m.cpuMicrosPerRow))
                return
            }
            var off = configuration
            off.options[StatementCacheSettings.thresholdOption] = "none"
            let uncached = SQLServerWorkloads(configuration: off, sizes: sizes).timed
            let arguments = ["point", "\(sizes.pointQueries)", "\(sizes.fetchRows)"]
            var runs: [(String, [Outcome])] = [
                ("raw C (DB-Library, sp_executesql)", []), ("MSSQLDriver, cache off", []),
                ("MSSQLDriver, cache on", []),
            ]
            for _ in 0..<sizes.repeats {
                runs[0].1.append(repeated(1, CompetitorPaths.dblibC, arguments, environment))
                runs[1].1.append(repeated(1) { try uncached.pointSelects() })
                runs[2].1.append(repeated(1) { try cached.pointSelects() })
            }
            let medians = runs.map { ($0.0, medianOutcome($0.1)) }
            let cRate = medians[0].1.measurement?.rate
            print("profile point (SQL Server): \(sizes.pointQueries) queries x \(sizes.repeats) rounds (medians)")
            for (title, outcome) in medians {
                guard let m = outcome.measurement else {
                    print("  \(title): not measured (\(outcome))")
                    continue
                }
                let vsC = cRate.map { String(format: "%.2fx C", m.rate / $0) } ?? "C n/a"
                print(
                    String(
                        format: "  %@: %.0f queries/s, p50 %.1f µs, p99 %.1f µs, CPU %.2f µs/query; %@", title, m.rate,
                        m.p50Micros ?? -1, m.p99Micros ?? -1, m.cpuMicrosPerRow, vsC))
            }
        }
        return true
    }
}
