import DBCore
import Foundation
import MSSQLDriver
import PGDriver
import TDSSandbox
import ThrowawayServers

/// One measured way of reading the benchmark's rows.
struct SandboxBenchmarkMeasurement: Sendable {
    /// What read the rows, e.g. "PGDriver → PostgreSQL".
    var reader: String
    /// The rows read (checked against the expected count).
    var rows: Int
    /// The wall-clock time from sending the query to the last row.
    var seconds: Double

    /// Rows per second.
    var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
}

/// The result of ``runSandboxSelectBenchmark(rows:)``: each reader's throughput and the ratio to PostgreSQL read
/// directly.
struct SandboxBenchmarkResult: Sendable, CustomStringConvertible {
    /// The rows of the SELECT.
    var rows: Int
    /// The baseline first (PGDriver straight on PostgreSQL), then the readers through the sandbox.
    var measurements: [SandboxBenchmarkMeasurement]

    /// The measurements as a table: reader, seconds, rows/s, and the ratio to the baseline.
    var description: String {
        let baseline = measurements.first?.rowsPerSecond ?? 0
        var lines = ["SELECT of \(rows) rows (int, nvarchar label)", ""]
        let header =
            "reader".padding(toLength: 44, withPad: " ", startingAt: 0) + "   seconds        rows/s   vs PostgreSQL"
        lines.append(header)
        lines.append(String(repeating: "-", count: header.count))
        for measurement in measurements {
            let ratio = baseline > 0 ? measurement.rowsPerSecond / baseline : 0
            lines.append(
                measurement.reader.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + String(format: "%10.2f %13.0f %14.2fx", measurement.seconds, measurement.rowsPerSecond, ratio))
        }
        return lines.joined(separator: "\n")
    }
}

/// Measures a `rows`-row SELECT (an integer and a short Unicode label per row, made by `generate_series`) read
/// three ways in one run, on a throwaway PostgreSQL (or the one `DBHOST` names):
///
/// 1. PGDriver straight on PostgreSQL (libpq single-row mode, rows decoded) — the baseline;
/// 2. MSSQLDriver (FreeTDS DB-Library) through the TDS sandbox, rows decoded into `SQLValue`s;
/// 3. a raw TDS reader through the sandbox that drains the packets without decoding them — the sandbox's own
///    ceiling (PostgreSQL → engine → TDS encoding → socket).
///
/// The sandbox server runs in this process. Each reader runs the query once after a warm-up of 1,000 rows.
func runSandboxSelectBenchmark(rows: Int = 1_000_000) throws -> SandboxBenchmarkResult {
    let postgres = try ThrowawayPostgres.shared()
    let database = "bench_sandbox_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    try postgres.createDatabase(named: database)
    defer { try? postgres.dropDatabase(named: database) }
    let configuration = postgres.configuration(database: database)
    let server = TDSSandboxServer()
    let port = try server.start(
        host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: configuration))
    defer { server.stop() }
    let user = configuration.user ?? "postgres"
    let password = configuration.password ?? Secret("")

    func postgresSQL(_ count: Int) -> String {
        "SELECT g AS n, 'row ' || CAST(g AS varchar(12)) AS label FROM generate_series(1, \(count)) AS g"
    }
    func tsql(_ count: Int) -> String {
        "SELECT g AS n, N'row ' + CAST(g AS nvarchar(12)) AS label FROM generate_series(1, \(count)) AS g"
    }

    var measurements: [SandboxBenchmarkMeasurement] = []

    // 1. PGDriver on PostgreSQL.
    let direct = try PGConnection.connect(configuration)
    defer { direct.close() }
    func readPostgres(_ count: Int) throws -> Int {
        let cursor = try direct.makeCursor(streamsResults: true)
        defer { cursor.close() }
        try cursor.execute(BoundStatement(sql: postgresSQL(count), parameters: []))
        return try drain(cursor)
    }
    _ = try readPostgres(1000)
    measurements.append(try measure("PGDriver → PostgreSQL", expected: rows) { try readPostgres(rows) })

    // 2. MSSQLDriver through the sandbox.
    let mssql = try MSSQLConnection.connect(
        ConnectionConfiguration(
            backend: .sqlServer, host: "127.0.0.1", port: port, database: database, user: user, password: password,
            connectTimeout: 30))
    defer { mssql.close() }
    func readSandbox(_ count: Int) throws -> Int {
        let cursor = try mssql.cursor()
        defer { cursor.close() }
        try cursor.execute(BoundStatement(sql: tsql(count), parameters: []))
        return try drain(cursor)
    }
    _ = try readSandbox(1000)
    measurements.append(try measure("MSSQLDriver → TDS sandbox → PostgreSQL", expected: rows) { try readSandbox(rows) })

    // 3. Raw TDS reader through the sandbox.
    let wire = try SandboxWireReader(
        port: port, user: user, password: password.revealed, database: database, packetSize: 8192)
    _ = try wire.run(tsql(1000))
    measurements.append(
        try measure("raw TDS reader → TDS sandbox → PostgreSQL", expected: rows) { try wire.run(tsql(rows)).rowCount })

    return SandboxBenchmarkResult(rows: rows, measurements: measurements)
}

/// Fetches every row of the cursor's result in batches of 1,000, touching each value; returns the row count.
private func drain(_ cursor: any DatabaseCursor) throws -> Int {
    var count = 0
    var checksum: Int64 = 0
    while true {
        let batch = try cursor.fetchMany(1000)
        if batch.isEmpty { break }
        for row in batch {
            if case .int(let n) = row.values[0] { checksum &+= n }
            if case .string(let label) = row.values[1] { checksum &+= Int64(label.utf8.count) }
        }
        count += batch.count
    }
    if checksum == 0 && count > 0 { throw SandboxBenchmarkFailure(description: "the rows carried no values") }
    return count
}

/// Times `body` and checks that it read `expected` rows.
private func measure(_ reader: String, expected: Int, _ body: () throws -> Int) throws -> SandboxBenchmarkMeasurement {
    let start = DispatchTime.now().uptimeNanoseconds
    let rows = try body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    guard rows == expected else {
        throw SandboxBenchmarkFailure(description: "\(reader) read \(rows) rows instead of \(expected)")
    }
    return SandboxBenchmarkMeasurement(reader: reader, rows: rows, seconds: seconds)
}

/// A benchmark run that did not read what it should have.
struct SandboxBenchmarkFailure: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String
}
