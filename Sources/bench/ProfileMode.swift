import DBCore
import Foundation

/// `BENCH_PROFILE=fetch|copy|many`: runs only PGDriver's side of one workload, once, then the bench exits. Meant
/// for `valgrind --tool=callgrind`: run it at two sizes (`BENCH_SCALE`) and divide the difference in instructions
/// by the difference in rows to get instructions per row, free of start-up cost and of the machine's noise.
enum ProfileMode {
    /// Runs the requested workload and returns `true`, or returns `false` when `BENCH_PROFILE` is unset.
    static func runIfRequested(_ workloads: PGWorkloads) throws -> Bool {
        guard let name = ProcessInfo.processInfo.environment["BENCH_PROFILE"], !name.isEmpty else { return false }
        let timed = workloads.timed
        let measurement: Measurement
        switch name {
        case "fetch": measurement = try timed.fetch()
        case "copy": measurement = try timed.bulkCopy()
        case "many": measurement = try timed.executeMany()
        default: throw DatabaseError.misuse("BENCH_PROFILE must be fetch, copy or many, not '\(name)'")
        }
        print(
            String(
                format: "profile %@: %d rows in %.3f s (%.0f rows/s, %.3f µs CPU/row)", name, measurement.rows,
                measurement.seconds, measurement.rate, measurement.cpuSeconds / Double(max(measurement.rows, 1)) * 1e6))
        return true
    }
}
