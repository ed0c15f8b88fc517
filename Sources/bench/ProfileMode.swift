import DBCore
import Foundation
import PGDriver

/// `BENCH_PROFILE=fetch|copy|many`: runs only PGDriver's side of one workload, once, then the bench exits. Meant
/// for `valgrind --tool=callgrind`: run it at two sizes (`BENCH_SCALE`) and divide the difference in instructions
/// by the difference in rows to get instructions per row, free of start-up cost and of the machine's noise.
enum ProfileMode {
    /// Runs the requested workload and returns `true`, or returns `false` when `BENCH_PROFILE` is unset.
    static func runIfRequested(_ workloads: PGWorkloads) throws -> Bool {
        guard let name = ProcessInfo.processInfo.environment["BENCH_PROFILE"], !name.isEmpty, name != "async" else {
            return false
        }
        let timed = workloads.timed
        let measurement: Measurement
        switch name {
        case "fetch": measurement = try timed.fetch()
        case "copy": measurement = try timed.bulkCopy()
        case "many": measurement = try timed.executeMany()
        default: throw DatabaseError.misuse("BENCH_PROFILE must be fetch, copy, many or async, not '\(name)'")
        }
        print(
            String(
                format: "profile %@: %d rows in %.3f s (%.0f rows/s, %.3f µs CPU/row)", name, measurement.rows,
                measurement.seconds, measurement.rate, measurement.cpuSeconds / Double(max(measurement.rows, 1)) * 1e6))
        return true
    }
}

extension ProfileMode {
    /// `BENCH_PROFILE=async`: only the async-against-sync fetch, from the main actor as the full bench runs it.
    @MainActor
    static func runAsyncIfRequested(_ configuration: ConnectionConfiguration, sizes: BenchSizes) async throws -> Bool {
        guard ProcessInfo.processInfo.environment["BENCH_PROFILE"] == "async" else { return false }
        let report = try await AsyncFetchBenchmark.run(
            driver: PGDriver(), configuration: configuration, rows: sizes.fetchRows, runs: sizes.repeats)
        print("profile async: \(report)")
        return true
    }
}
