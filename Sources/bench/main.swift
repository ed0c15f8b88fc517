import ArgumentParser
import DBCore
import Foundation
import PGDriver
import ThrowawayServers

// The benchmark: `swift run -c release bench` (see scripts/bench.sh, which prepares the competitors).
// Starts a throwaway PostgreSQL (or uses DBHOST), runs every workload for the raw C loop, psycopg 3 and PGDriver
// in this one run, prints the table and writes it to benchmarks/RESULTS.md (BENCH_RESULTS overrides the path).

_ = BenchOptions.parseOrExit()  // `bench --help` lists the environment variables; any argument is a mistake
let sizes = BenchSizes.fromEnvironment()
print("starting PostgreSQL…")
let server = try ThrowawayPostgres.shared()
// BENCH_PIN=1: PostgreSQL on the server CPUs, this process and its children on the client CPU.
CPUPinning.pinPostgres(dataDirectory: server.dataDirectory)
CPUPinning.pinThisProcess()
let configuration = server.configuration(tls: .disable)
let childEnvironment: [String: String] = [
    "PGHOST": configuration.host, "PGPORT": String(configuration.port ?? 5432),
    "PGUSER": configuration.user ?? "postgres", "PGPASSWORD": configuration.password?.revealed ?? "",
    "PGDATABASE": configuration.database ?? "postgres", "PGSSLMODE": "disable",
]
if PoolMemoryRun.isRequested {
    try await PoolMemoryRun.run(configuration: configuration)
    server.stop()
    exit(0)
}
if SQLServerProfile.isRequested {
    try SQLServerProfile.run(server: server, sizes: sizes)
    server.stop()
    exit(0)
}
if SQLServerOnlyRun.isRequested {
    try SQLServerOnlyRun.run(server: server, sizes: sizes, serverVersion: "see the full run")
    server.stop()
    exit(0)
}
if try SandboxProfile.runIfRequested(sizes: sizes) {
    server.stop()
    exit(0)
}
let workloads = PGWorkloads(configuration: configuration, sizes: sizes)
print("preparing tables (\(sizes.fetchRows) rows)…")
try workloads.prepare()
var profiled = try PointProfile.runIfRequested(workloads, environment: childEnvironment)
if !profiled { profiled = try ProfileMode.runIfRequested(workloads) }
if !profiled { profiled = try await ProfileMode.runAsyncIfRequested(configuration, sizes: sizes) }
if profiled {
    server.stop()
    exit(0)
}
let serverVersion: String = try {
    let connection = try PGDriver.connect(configuration)
    defer { connection.close() }
    return try connection.query("SHOW server_version").first.flatMap { try? $0.get(String.self, at: 0) } ?? "?"
}()

let c = CompetitorPaths.pgC
let psycopg = CompetitorPaths.psycopg
let n = sizes.repeats
var results: [WorkloadResult] = []

func run(
    _ title: String, unit: String, latency: Bool = false, c cArgs: [String], py pyArgs: [String],
    swift: () throws -> Measurement
) -> WorkloadResult {
    // BENCH_ONLY=fetch,copy runs only the named workloads (for profiling); the others say so.
    if let only = ProcessInfo.processInfo.environment["BENCH_ONLY"],
        !only.split(separator: ",").contains(where: { title.contains($0) })
    {
        let skipped = Outcome.notMeasured("skipped (BENCH_ONLY)")
        return WorkloadResult(
            title: title, unit: unit, backend: "PostgreSQL", ceiling: (c.name, skipped), peer: (psycopg.name, skipped),
            ours: ("PGDriver", skipped), showsLatency: latency)
    }
    print("running \(title)…")
    // Rounds of C, psycopg, ours: the contenders alternate, so load from elsewhere spreads over all of them.
    var ceilingRuns: [Outcome] = []
    var peerRuns: [Outcome] = []
    var ourRuns: [Outcome] = []
    for _ in 0..<n {
        ceilingRuns.append(repeated(1, c, cArgs, childEnvironment))
        peerRuns.append(repeated(1, psycopg, pyArgs, childEnvironment))
        ourRuns.append(repeated(1, swift))
    }
    let ceiling = medianOutcome(ceilingRuns)
    let peer = medianOutcome(peerRuns)
    let ours = medianOutcome(ourRuns)
    return WorkloadResult(
        title: title, unit: unit, backend: "PostgreSQL", ceiling: (c.name, ceiling), peer: (psycopg.name, peer),
        ours: ("PGDriver", ours), showsLatency: latency)
}

let fetch = run(
    "fetch \(sizes.fetchRows) rows", unit: "rows/s", c: ["fetch"], py: ["fetch"], swift: workloads.timed.fetch)
// postgres-nio on the same fetch, in rounds of its own right after (it has no column in the table: see the notes).
let postgresNIOFetch: Outcome = {
    guard ProcessInfo.processInfo.environment["BENCH_ONLY"].map({ $0.contains("fetch") }) ?? true else {
        return .notMeasured("skipped (BENCH_ONLY)")
    }
    print("running fetch with postgres-nio…")
    return medianOutcome((0..<n).map { _ in repeated(1, CompetitorPaths.postgresNIO, ["fetch"], childEnvironment) })
}()
let point = run(
    "\(sizes.pointQueries) point SELECTs", unit: "queries/s", latency: true,
    c: ["point", "\(sizes.pointQueries)", "\(sizes.fetchRows)"],
    py: ["point", "\(sizes.pointQueries)", "\(sizes.fetchRows)"], swift: workloads.timed.pointSelects)
let many = run(
    "executeMany insert \(sizes.manyRows) rows", unit: "rows/s",
    c: ["many", "bench_many_c", "\(sizes.manyRows)"], py: ["many", "bench_many_py", "\(sizes.manyRows)"],
    swift: workloads.timed.executeMany)
let copy = run(
    "bulk insert (COPY) \(sizes.copyRows) rows", unit: "rows/s",
    c: ["copy", "bench_copy_c", "\(sizes.copyRows)"], py: ["copy", "bench_copy_py", "\(sizes.copyRows)"],
    swift: workloads.timed.bulkCopy)
// (5) and issue 7's figures: the pool, 32 tasks with and without it, the async API next to the sync API.
let pooling = PoolWorkloads(configuration: configuration)
print("running pool acquire+release…")
// Rounds of psycopg_pool and ours, as for the other workloads: 200,000 acquire+release pairs each on a warm pool
// of one connection, from one thread.
var poolPeerRuns: [Outcome] = []
var poolOurRuns: [Outcome] = []
for _ in 0..<n {
    poolPeerRuns.append(repeated(1, psycopg, ["pool", "200000"], childEnvironment))
    poolOurRuns.append(repeated(1) { try pooling.acquireRelease(operations: 200_000) })
}
let acquire = medianOutcome(poolOurRuns)
let poolResult = WorkloadResult(
    title: "pool acquire+release", unit: "ops/s", backend: "PostgreSQL",
    ceiling: ("raw C (libpq)", .notMeasured("no C pool to compare")),
    peer: ("psycopg_pool", medianOutcome(poolPeerRuns)),
    ours: ("PGDriver pool", acquire), showsLatency: true)
print("running 32 tasks with and without a pool…")
let taskQueries = max(320, sizes.pointQueries)
let pooledTasks = try await pooling.thirtyTwoTasks(queries: taskQueries, pooled: true)
let unpooledTasks = try await pooling.thirtyTwoTasks(queries: taskQueries, pooled: false)
print("running the async API against the sync API (from top-level code)…")
let asyncReport = try await AsyncFetchBenchmark.run(
    driver: PGDriver(), configuration: configuration, rows: sizes.fetchRows, runs: n)
results += [fetch, point, many, copy, poolResult]
// BENCH_POSTGRES_ONLY=1 leaves out the SQL Server rows and the TDS sandbox section (their titles are the same as
// PostgreSQL's, so BENCH_ONLY cannot tell them apart).
let postgresOnly = ProcessInfo.processInfo.environment["BENCH_POSTGRES_ONLY"] == "1"
let sqlServerResults = postgresOnly ? [] : SQLServerBench.run(server: server, sizes: sizes)
results += sqlServerResults
print("running the TDS sandbox SELECT benchmark…")
// That section's sandbox runs in this process and is compared with PostgreSQL: neither side pinned.
CPUPinning.unpinThisProcess()
CPUPinning.unpinPostgres(dataDirectory: server.dataDirectory)
let sandboxSelect = postgresOnly ? nil : try runSandboxSelectBenchmark(rows: sizes.fetchRows)

/// A target line: `ours / other` against `goal`.
func target(_ label: String, _ ours: Outcome, _ other: Outcome, goal: Double) -> String {
    guard let a = ours.measurement, let b = other.measurement, b.rate > 0 else { return "\(label): not measured" }
    let ratio = a.rate / b.rate
    return String(format: "%@: %.2fx (target ≥ %.2fx) — %@", label, ratio, goal, ratio >= goal ? "met" : "MISSED")
}
/// The same ratio for context (no goal).
func context(_ label: String, _ a: Outcome, _ b: Outcome) -> String {
    guard let x = a.measurement, let y = b.measurement, y.rate > 0 else { return "\(label): not measured" }
    return String(format: "%@: %.2fx", label, x.rate / y.rate)
}
let postgresNIONote: String
switch postgresNIOFetch {
case .measured(let m):
    postgresNIONote = String(
        format:
            "  context: postgres-nio 1.33.2 on the same fetch: %.0f rows/s, %.2f µs CPU/row (its release build: %@ s)",
        m.rate, m.cpuMicrosPerRow, ProcessInfo.processInfo.environment["BENCH_PGNIO_BUILD_SECONDS"] ?? "?")
case .notMeasured(let reason):
    postgresNIONote = "  context: postgres-nio on fetch: \(reason)"
}
let notes =
    [
        target("fetch vs raw C", fetch.ours.outcome, fetch.ceiling.outcome, goal: 0.85),
        target("fetch vs psycopg", fetch.ours.outcome, fetch.peer.outcome, goal: 2),
        context("  context: the raw C loop vs psycopg on fetch", fetch.ceiling.outcome, fetch.peer.outcome),
        postgresNIONote,
        context("  context: PGDriver vs postgres-nio on fetch", fetch.ours.outcome, postgresNIOFetch),
        target("executeMany vs psycopg executemany", many.ours.outcome, many.peer.outcome, goal: 1),
        target("COPY vs our executeMany (rows/s)", copy.ours.outcome, many.ours.outcome, goal: 10),
        context("  context: raw C COPY vs our executeMany", copy.ceiling.outcome, many.ours.outcome),
        context("  context: raw C COPY vs raw C pipelined inserts", copy.ceiling.outcome, many.ceiling.outcome),
        context("  context: our COPY vs raw C COPY", copy.ours.outcome, copy.ceiling.outcome),
        acquire.measurement.map {
            String(format: "pool acquire+release: %.2f µs median (target < 10 µs)", $0.p50Micros ?? 0)
        }
            ?? "pool acquire+release: not measured",
        context("pool acquire+release: PGDriver pool vs psycopg_pool (ops/s)", acquire, poolResult.peer.outcome),
        String(
            format:
                "32 tasks, %d queries: %.0f queries/s through a pool of 4, %.0f queries/s connecting per query (%.1fx)",
            pooledTasks.rows, pooledTasks.rate, unpooledTasks.rate, pooledTasks.rate / max(unpooledTasks.rate, 1)),
        String(
            format:
                "async API fetch of %d rows from top-level code: async/sync %.3f (target ≤ 1.10; sync %.3f s, async %.3f s)",
            asyncReport.rows, asyncReport.ratio, asyncReport.syncSeconds, asyncReport.asyncSeconds),
    ] + (postgresOnly ? [] : SQLServerBench.targets(sqlServerResults))

let report = ResultsReport(
    results: results, machine: ResultsReport.describeMachine(serverVersion: serverVersion), notes: notes)
let markdown =
    report.markdown()
    + (sandboxSelect.map { "\n## The TDS sandbox against PostgreSQL\n\n" + $0.description + "\n" } ?? "")
print(markdown)
let path = ProcessInfo.processInfo.environment["BENCH_RESULTS"] ?? "benchmarks/RESULTS.md"
try markdown.write(toFile: path, atomically: true, encoding: .utf8)
print("wrote \(path)")
server.stop()
