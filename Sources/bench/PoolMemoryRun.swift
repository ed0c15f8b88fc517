import DBCore
import Foundation
import PGDriver

/// `BENCH_POOL_MEMORY=1` (`swift run bench` with it set): the pool's memory under waiting borrowers, alone. 32
/// tasks share a pool of 4 with a 30 s acquire timeout and run 96,000 point queries; the process's resident set
/// size (RSS, `VmRSS` in `/proc/self/status`) is read before and after. Each of those borrows that waits used to
/// leave a 30 s timer behind (issue 11: 26 MB → 102 MB); a waiter's timer is now cancelled when its wait ends, so
/// RSS stays flat. Prints the row and writes it to `BENCH_POOL_MEMORY_RESULTS` (`.build-bench/POOL-MEMORY.md` by
/// default).
enum PoolMemoryRun {
    /// Whether the environment asks for this run.
    static var isRequested: Bool {
        ProcessInfo.processInfo.environment["BENCH_POOL_MEMORY"].map { !$0.isEmpty && $0 != "0" } ?? false
    }

    /// The resident set size in MiB, or `nil` where `/proc` is missing.
    static func residentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }

    /// Runs the workload and reports it.
    static func run(configuration: ConnectionConfiguration) async throws {
        let tasks = 32
        let queries = Int(ProcessInfo.processInfo.environment["BENCH_POOL_MEMORY_QUERIES"] ?? "") ?? 96_000
        let perTask = queries / tasks
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: configuration,
            settings: PoolConfiguration(maximumSize: 4, acquireTimeout: 30))
        defer { pool.close() }
        // Warm up: open the 4 connections and touch every code path once before the first reading.
        try await batch(pool: pool, tasks: tasks, perTask: 10)
        let before = residentMiB()
        let start = Date()
        try await batch(pool: pool, tasks: tasks, perTask: perTask)
        let seconds = Date().timeIntervalSince(start)
        let after = residentMiB()
        let statistics = pool.statistics
        func mib(_ value: Double?) -> String { value.map { String(format: "%.1f MiB", $0) } ?? "n/a" }
        let row =
            "| \(perTask * tasks) pooled queries, \(tasks) tasks, pool of 4, acquireTimeout 30 s | "
            + "\(mib(before)) | \(mib(after)) | \(String(format: "%.1f", seconds)) s | \(statistics.acquired) borrows, "
            + "\(statistics.timeouts) timeouts |"
        let markdown = """
            | workload | RSS before | RSS after | time | pool |
            |---|---|---|---|---|
            \(row)

            """
        print(markdown)
        let path =
            ProcessInfo.processInfo.environment["BENCH_POOL_MEMORY_RESULTS"] ?? ".build-bench/POOL-MEMORY.md"
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try markdown.write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    }

    /// `tasks` tasks, each borrowing `perTask` times for one point query.
    private static func batch(pool: ConnectionPool, tasks: Int, perTask: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for i in 0..<perTask {
                        let value = task * perTask + i
                        let got = try await pool.withConnection { connection in
                            try await connection.query("SELECT \(bind: value) AS v")[0].get(Int.self, at: 0)
                        }
                        precondition(got == value)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
