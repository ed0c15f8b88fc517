import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One contender's figures for one workload.
struct Measurement {
    /// Rows (or queries) processed.
    var rows: Int
    /// Wall-clock seconds of the workload.
    var seconds: Double
    /// Client CPU seconds (user + system) spent during the workload.
    var cpuSeconds: Double
    /// Median latency in microseconds (point queries), if measured.
    var p50Micros: Double?
    /// 99th-percentile latency in microseconds, if measured.
    var p99Micros: Double?

    /// Rows per second.
    var rate: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    /// Client CPU microseconds per row.
    var cpuMicrosPerRow: Double { rows > 0 ? cpuSeconds * 1e6 / Double(rows) : 0 }
}

/// The outcome of one contender on one workload: figures, or why there are none.
enum Outcome {
    case measured(Measurement)
    case notMeasured(String)

    var measurement: Measurement? {
        if case .measured(let m) = self { return m }
        return nil
    }
}

/// Wall and CPU clocks of this process.
enum Clock {
    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// User + system CPU seconds of this process (`getrusage(RUSAGE_SELF)`).
    static func cpu() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private static func seconds(_ value: timeval) -> Double {
        Double(value.tv_sec) + Double(value.tv_usec) / 1e6
    }

    /// Runs `body` (which returns its row count) and measures it.
    static func measure(_ body: () throws -> Int) rethrows -> Measurement {
        let wall0 = now()
        let cpu0 = cpu()
        let rows = try body()
        return Measurement(rows: rows, seconds: now() - wall0, cpuSeconds: cpu() - cpu0)
    }

    /// The value at `fraction` (0...1) of sorted `values`.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}

/// The median run (by wall time) of several, with the median client CPU per row of all of them: the CPU of the
/// run whose wall time is the median is not the median CPU (a run the server slowed down can spend less CPU per
/// row, one whose client was preempted more spends more).
func median(_ runs: [Measurement]) -> Measurement? {
    let sorted = runs.sorted { $0.seconds < $1.seconds }
    guard var middle = sorted.isEmpty ? nil : sorted[sorted.count / 2] else { return nil }
    let cpuPerRow = runs.map { $0.rows > 0 ? $0.cpuSeconds / Double($0.rows) : 0 }.sorted()
    middle.cpuSeconds = cpuPerRow[cpuPerRow.count / 2] * Double(middle.rows)
    return middle
}
