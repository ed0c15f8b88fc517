/// One row of the results table: a workload, and each contender's outcome on it.
struct WorkloadResult {
    /// The workload's title, e.g. `fetch 1,000,000 rows`.
    let title: String
    /// The unit of the rate column (`rows/s`, `queries/s`).
    let unit: String
    /// The database family (`PostgreSQL`, `SQL Server`).
    let backend: String
    /// The ceiling (a raw C loop).
    let ceiling: (name: String, outcome: Outcome)
    /// The peer (psycopg, pymssql).
    let peer: (name: String, outcome: Outcome)
    /// Our driver.
    let ours: (name: String, outcome: Outcome)
    /// Whether latencies (p50/p99) are the headline figures.
    let showsLatency: Bool
}

/// Runs `body` `repeats` times and keeps the median run; a failure becomes a "not measured" outcome.
func repeated(_ repeats: Int, _ body: () throws -> Measurement) -> Outcome {
    var runs: [Measurement] = []
    for _ in 0..<repeats {
        do {
            runs.append(try body())
        } catch {
            return .notMeasured("failed: \(error)")
        }
    }
    return median(runs).map(Outcome.measured) ?? .notMeasured("no runs")
}

/// A competitor's median of `repeats` runs.
func repeated(
    _ repeats: Int, _ competitor: Competitor, _ arguments: [String], _ environment: [String: String]
) -> Outcome {
    var runs: [Measurement] = []
    for _ in 0..<repeats {
        switch competitor.run(arguments, environment: environment) {
        case .measured(let m): runs.append(m)
        case .notMeasured(let reason): return .notMeasured(reason)
        }
    }
    return median(runs).map(Outcome.measured) ?? .notMeasured("no runs")
}

/// The median (by wall time) of several single-run outcomes; the first "not measured" reason if any failed.
func medianOutcome(_ outcomes: [Outcome]) -> Outcome {
    var runs: [Measurement] = []
    for outcome in outcomes {
        switch outcome {
        case .measured(let m): runs.append(m)
        case .notMeasured: return outcome
        }
    }
    return median(runs).map(Outcome.measured) ?? .notMeasured("no runs")
}
