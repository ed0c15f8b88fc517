import Foundation

/// Renders the results as a Markdown table with ratios, plus the machine description, for the console and
/// `benchmarks/RESULTS.md`.
struct ResultsReport {
    let results: [WorkloadResult]
    let machine: [(String, String)]
    let notes: [String]

    func markdown() -> String {
        var lines: [String] = ["# Benchmark results", ""]
        lines.append("Measured in one run of `scripts/bench.sh` (`swift run -c release bench`) on \(Self.timestamp()).")
        lines.append("Earlier runs, the profiling rounds (callgrind) and how each figure was measured are in")
        lines.append("[HISTORY.md](HISTORY.md); this file is rewritten by every full run.")
        lines.append("")
        lines.append("## Machine")
        lines.append("")
        for (key, value) in machine { lines.append("- \(key): \(value)") }
        lines.append("")
        lines.append("## Results")
        lines.append("")
        lines.append("Rates are the median of the repeated runs. *vs C* and *vs peer* divide a contender's rate by the")
        lines.append(
            "raw C loop's and by the peer's (psycopg 3 / pymssql) measured in the same run; above 1 is faster.")
        lines.append("CPU is the client process's user+system time per row (getrusage of the bench process for our")
        lines.append("driver; each competitor child reports its own getrusage / process_time around the workload), the")
        lines.append("median over the repeated runs.")
        lines.append("")
        lines.append(
            "Workloads: (1) `SELECT id, t, f, ts, n` of 1M rows (int4, text, float8, timestamp, numeric(12,2)),")
        lines.append(
            "each value decoded to a native value (C: ints/doubles, a malloc'd string, numeric as decimal text;")
        lines.append(
            "psycopg: its default Python objects; PGDriver: `Row` of `SQLValue`); (2) single-row SELECTs by primary")
        lines.append("key (C: a prepared statement; psycopg: prepares after 5 runs; PGDriver: its statement cache,")
        lines.append(
            "prepared after 5 runs); (3) INSERTs of 100k rows with executeMany in one transaction (C: pipelined prepared"
        )
        lines.append(
            "INSERT, text parameters; psycopg `executemany`; PGDriver pipelined `executeMany`); (4) 1M rows with")
        lines.append(
            "binary COPY in one transaction (psycopg `copy.write_row` with `set_types`; PGDriver `bulkInsert`).")
        lines.append("Insert workloads include building the rows' values in each language. (5) 200k acquire + release")
        lines.append("pairs of an idle connection on a warm pool of one, from one thread (psycopg_pool `getconn` /")
        lines.append("`putconn`; PGDriver's `ConnectionPool` `acquire` / `release`), with per-pair latencies.")
        lines.append("")
        lines.append("| backend | workload | contender | rate | vs C | vs peer | p50 µs | p99 µs | client CPU µs/row |")
        lines.append("|---|---|---|---:|---:|---:|---:|---:|---:|")
        for result in results {
            let ceiling = result.ceiling.outcome.measurement
            let peer = result.peer.outcome.measurement
            for (name, outcome) in [result.ceiling, result.peer, result.ours] {
                guard let m = outcome.measurement else {
                    if case .notMeasured(let reason) = outcome {
                        lines.append("| \(result.backend) | \(result.title) | \(name) | \(reason) | | | | | |")
                    }
                    continue
                }
                let vsC = ceiling.map { Self.ratio(m.rate, $0.rate) } ?? "–"
                let vsPeer = peer.map { Self.ratio(m.rate, $0.rate) } ?? "–"
                lines.append(
                    "| \(result.backend) | \(result.title) | \(name) | \(Self.format(m.rate)) \(result.unit) | \(vsC) | "
                        + "\(vsPeer) | \(m.p50Micros.map { String(format: "%.1f", $0) } ?? "") | "
                        + "\(m.p99Micros.map { String(format: "%.1f", $0) } ?? "") | "
                        + "\(String(format: "%.2f", m.cpuMicrosPerRow)) |")
            }
        }
        lines.append("")
        if !notes.isEmpty {
            lines.append("## Targets")
            lines.append("")
            for note in notes { lines.append("- \(note)") }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func ratio(_ a: Double, _ b: Double) -> String {
        b > 0 ? String(format: "%.2fx", a / b) : "–"
    }

    static func format(_ rate: Double) -> String {
        let rounded = Int(rate.rounded())
        var digits = String(rounded)
        var result = ""
        while digits.count > 3 {
            result = "," + digits.suffix(3) + result
            digits = String(digits.dropLast(3))
        }
        return digits + result
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }

    /// nproc, memory, CPU model, kernel, and the versions the script passes in `BENCH_VERSIONS`.
    static func describeMachine(serverVersion: String) -> [(String, String)] {
        var facts: [(String, String)] = []
        facts.append(("nproc", String(ProcessInfo.processInfo.activeProcessorCount)))
        let gib = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        facts.append(("memory", String(format: "%.1f GiB", gib)))
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        facts.append(("CPU", model ?? "unknown"))
        facts.append(("OS", ProcessInfo.processInfo.operatingSystemVersionString))
        facts.append(("PostgreSQL server", serverVersion))
        facts.append(("CPU pinning (BENCH_PIN)", CPUPinning.description))
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ")
        facts.append(
            ("load average at the end (1, 5, 15 min)", load.map { $0.prefix(3).joined(separator: ", ") } ?? "?"))
        let versions = ProcessInfo.processInfo.environment["BENCH_VERSIONS"] ?? "not given (run scripts/bench.sh)"
        for part in versions.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 {
                facts.append(
                    (pair[0].trimmingCharacters(in: .whitespaces), pair[1].trimmingCharacters(in: .whitespaces)))
            }
        }
        return facts
    }
}
