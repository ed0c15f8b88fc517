// postgres-nio's side of the PostgreSQL fetch workload (see benchmarks/c/pg_bench.c): every row of bench_fetch
// decoded into native values (Int32, String, Double, Date, Decimal). Connection settings come from libpq's
// environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE); TLS is off, as for the other contenders.
//
//   pgnio-bench fetch
//
// Prints one JSON object: rows, seconds (wall), cpu (user+system seconds of this process during the workload).
import Foundation
import Logging
import PostgresNIO

#if canImport(Glibc)
    import Glibc
#endif

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

let environment = ProcessInfo.processInfo.environment
guard CommandLine.arguments.dropFirst().first == "fetch" else {
    FileHandle.standardError.write(Data("usage: pgnio-bench fetch\n".utf8))
    exit(2)
}
let configuration = PostgresConnection.Configuration(
    host: environment["PGHOST"] ?? "127.0.0.1", port: Int(environment["PGPORT"] ?? "") ?? 5432,
    username: environment["PGUSER"] ?? "postgres", password: environment["PGPASSWORD"],
    database: environment["PGDATABASE"] ?? "postgres", tls: .disable)
/// Connects, fetches every row and closes, off the main actor (as a server would run it: top-level code is on the
/// main actor, and iterating there adds a thread hop per row).
func fetchAll(_ configuration: PostgresConnection.Configuration) async throws -> (Int, Int, Double, Double) {
    let logger = Logger(label: "pgnio-bench")
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    let start = Date()
    let cpu0 = cpuSeconds()
    var rows = 0
    var checksum = 0
    let query: PostgresQuery = "SELECT id, t, f, ts, n FROM bench_fetch"
    let sequence: PostgresRowSequence = try await connection.query(query, logger: logger)
    for try await (id, text, f, ts, n) in sequence.decode((Int32, String, Double, Date, Decimal).self) {
        let seconds = Int(ts.timeIntervalSince1970) % 256
        checksum &+= Int(id) &+ text.utf8.count &+ Int(f) &+ seconds &+ (n.isZero ? 0 : 1)
        rows += 1
    }
    let elapsed = Date().timeIntervalSince(start)
    let cpu = cpuSeconds() - cpu0
    try await connection.closeGracefully()
    return (rows, checksum, elapsed, cpu)
}

let (rows, checksum, seconds, cpu) = try await Task.detached { try await fetchAll(configuration) }.value
print("{\"rows\": \(rows), \"seconds\": \(seconds), \"cpu\": \(cpu), \"checksum\": \(checksum)}")
