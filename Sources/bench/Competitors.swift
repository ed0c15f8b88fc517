import Foundation

/// Runs a competitor (the raw C program, a Python script) as a child process that reports its own figures as
/// one JSON object on stdout: `rows`, `seconds`, `cpu` (its own getrusage/process_time during the workload,
/// so interpreter start-up is excluded), and `p50_us` / `p99_us` for latency workloads.
struct Competitor {
    /// The name shown in the table.
    let name: String
    /// The program and leading arguments (e.g. the Python interpreter and the script), or why it is missing.
    let command: Result<[String], BenchSkip>

    /// Runs the competitor with `arguments` and the server's connection environment.
    func run(_ arguments: [String], environment: [String: String]) -> Outcome {
        let base: [String]
        switch command {
        case .success(let value): base = value
        case .failure(let skip): return .notMeasured(skip.reason)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: base[0])
        process.arguments = Array(base.dropFirst()) + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return .notMeasured("\(name) could not start: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let rows = object["rows"] as? Int, let seconds = object["seconds"] as? Double,
            let cpu = object["cpu"] as? Double
        else {
            let reason = errorText.split(separator: "\n").last.map(String.init) ?? "no output"
            return .notMeasured("\(name) failed (status \(process.terminationStatus)): \(reason)")
        }
        let p50 = (object["p50_us"] as? Double).flatMap { $0 >= 0 ? $0 : nil }
        let p99 = (object["p99_us"] as? Double).flatMap { $0 >= 0 ? $0 : nil }
        return .measured(Measurement(rows: rows, seconds: seconds, cpuSeconds: cpu, p50Micros: p50, p99Micros: p99))
    }
}

/// Why a contender was not run.
struct BenchSkip: Error {
    let reason: String
}

/// Where the prepared competitors are: `scripts/bench.sh` builds them and exports these variables.
enum CompetitorPaths {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The raw C loop over libpq (`BENCH_PG_C`).
    static var pgC: Competitor {
        Competitor(name: "raw C (libpq)", command: executable("BENCH_PG_C").map { [$0] })
    }

    /// psycopg 3 (`BENCH_PYTHON` running `BENCH_PY_DIR/pg_bench.py`).
    static var psycopg: Competitor {
        Competitor(name: "psycopg 3", command: python(script: "pg_bench.py"))
    }

    /// vapor/postgres-nio 1.33.2 (`BENCH_PGNIO`, built by scripts/bench.sh from benchmarks/postgres-nio), for the
    /// fetch workload.
    static var postgresNIO: Competitor {
        Competitor(name: "postgres-nio 1.33.2", command: executable("BENCH_PGNIO").map { [$0] })
    }

    /// The raw C loop over DB-Library (`BENCH_DBLIB_C`), for the SQL Server workloads.
    static var dblibC: Competitor {
        Competitor(name: "raw C (DB-Library)", command: executable("BENCH_DBLIB_C").map { [$0] })
    }

    /// pymssql (`BENCH_PYTHON` running `BENCH_PY_DIR/mssql_bench.py`).
    static var pymssql: Competitor {
        Competitor(name: "pymssql", command: python(script: "mssql_bench.py"))
    }

    private static func executable(_ variable: String) -> Result<String, BenchSkip> {
        guard let path = environment[variable], FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(BenchSkip(reason: "not measured: \(variable) is not set (run scripts/bench.sh)"))
        }
        return .success(path)
    }

    private static func python(script: String) -> Result<[String], BenchSkip> {
        executable("BENCH_PYTHON").flatMap { interpreter in
            guard let directory = environment["BENCH_PY_DIR"] else {
                return .failure(BenchSkip(reason: "not measured: BENCH_PY_DIR is not set (run scripts/bench.sh)"))
            }
            return .success([interpreter, directory + "/" + script])
        }
    }
}
