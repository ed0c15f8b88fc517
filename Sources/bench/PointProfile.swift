import DBCore
import Foundation
import PGDriver

/// `BENCH_PROFILE=point`: the PostgreSQL point-SELECT workload alone, in alternating rounds of the raw C prepared
/// loop, psycopg 3, PGDriver with its statement cache switched off (`prepare_threshold=none`, every query parsed
/// again) and PGDriver as configured (default: prepared after 5 runs), so the four are compared within one run.
/// `BENCH_PROFILE=point-swift` runs only PGDriver's side once (for `valgrind --tool=callgrind`; the cache follows
/// `BENCH_PREPARE_THRESHOLD`, e.g. `none` for the uncached path).
enum PointProfile {
    /// Runs the requested profile and returns `true`, or returns `false` when `BENCH_PROFILE` names another.
    static func runIfRequested(_ workloads: PGWorkloads, environment: [String: String]) throws -> Bool {
        let name = ProcessInfo.processInfo.environment["BENCH_PROFILE"]
        let sizes = workloads.sizes
        if name == "point-swift" {
            let measurement = try workloads.timed.pointSelects()
            print(
                String(
                    format: "profile point-swift: %d queries in %.3f s (%.0f queries/s, %.2f µs CPU/query)",
                    measurement.rows, measurement.seconds, measurement.rate, measurement.cpuMicrosPerRow))
            return true
        }
        guard name == "point" else { return false }
        let arguments = ["point", "\(sizes.pointQueries)", "\(sizes.fetchRows)"]
        var off = workloads.configuration
        off.options[StatementCacheSettings.thresholdOption] = "none"
        let uncached = PGWorkloads(configuration: off, sizes: sizes)
        var runs: [(String, [Outcome])] = [
            ("raw C (libpq, prepared)", []), ("psycopg 3", []), ("PGDriver, cache off", []), ("PGDriver, cache on", []),
        ]
        for _ in 0..<sizes.repeats {
            runs[0].1.append(repeated(1, CompetitorPaths.pgC, arguments, environment))
            runs[1].1.append(repeated(1, CompetitorPaths.psycopg, arguments, environment))
            runs[2].1.append(repeated(1) { try uncached.timed.pointSelects() })
            runs[3].1.append(repeated(1) { try workloads.timed.pointSelects() })
        }
        let medians = runs.map { ($0.0, medianOutcome($0.1).measurement) }
        let cRate = medians[0].1?.rate
        let pyRate = medians[1].1?.rate
        print("profile point: \(sizes.pointQueries) queries x \(sizes.repeats) rounds (medians)")
        for (title, measurement) in medians {
            guard let m = measurement else {
                print("  \(title): not measured")
                continue
            }
            let vsC = cRate.map { String(format: "%.2fx C", m.rate / $0) } ?? "C n/a"
            let vsPy = pyRate.map { String(format: "%.2fx psycopg", m.rate / $0) } ?? "psycopg n/a"
            print(
                String(
                    format: "  %@: %.0f queries/s, p50 %.1f µs, p99 %.1f µs, CPU %.2f µs/query; %@, %@", title, m.rate,
                    m.p50Micros ?? -1, m.p99Micros ?? -1, m.cpuMicrosPerRow, vsC, vsPy))
        }
        return true
    }
}
