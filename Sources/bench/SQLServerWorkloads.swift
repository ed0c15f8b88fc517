import DBCore
import Foundation
import MSSQLDriver

/// The SQL Server bench tables (through the TDS sandbox, or on the server `BENCH_SQLSERVER` names), and the
/// workloads run on them by MSSQLDriver (``DriverWorkloads``).
struct SQLServerWorkloads {
    let configuration: ConnectionConfiguration
    let sizes: BenchSizes

    /// The columns of every table: (int, text, float8, timestamp, numeric(12,2)) as SQL Server types.
    static let columns = "(id int, t nvarchar(100), f float, ts datetime2, n decimal(12,2))"

    /// Creates the tables and fills bench_fetch (with bulk copy, or executeMany where the server refuses bulk loads;
    /// outside any measurement).
    func prepare() throws {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        try connection.setAutocommit(true)
        let cursor = try connection.makeCursor()
        for table in ["bench_fetch"] + ["c", "py", "swift"].flatMap({ ["bench_many_\($0)", "bench_bcp_\($0)"] }) {
            try cursor.execute("IF OBJECT_ID('\(table)') IS NOT NULL DROP TABLE \(table)")
            try cursor.execute("CREATE TABLE \(table) \(Self.columns)")
        }
        do {
            try connection.bulkInsert(
                into: "bench_fetch", columns: ["id", "t", "f", "ts", "n"],
                rows: (1...sizes.fetchRows).lazy.map(DriverWorkloads.row), options: BulkCopyOptions(batchSize: 100_000))
        } catch {
            // A server that refuses bulk loads (Babelfish): the same rows from one set-based INSERT, or, where even
            // that fails, with executeMany, 10,000 at a time.
            print("bulk copy into bench_fetch failed (\(error)); inserting the rows with INSERT … SELECT instead…")
            try cursor.execute("TRUNCATE TABLE bench_fetch")
            do {
                try cursor.execute(Self.setBasedFill(rows: sizes.fetchRows))
            } catch {
                print("INSERT … SELECT failed (\(error)); inserting the rows with executeMany instead…")
                try cursor.execute("TRUNCATE TABLE bench_fetch")
                let placeholders = (1...5).map(cursor.dialect.placeholder).joined(separator: ", ")
                for start in stride(from: 1, through: sizes.fetchRows, by: 10_000) {
                    let rows = (start...min(start + 9_999, sizes.fetchRows)).map(DriverWorkloads.row)
                    try cursor.executeMany(
                        "INSERT INTO bench_fetch (id, t, f, ts, n) VALUES (\(placeholders))", parameterSets: rows)
                }
            }
        }
        try cursor.execute("CREATE UNIQUE INDEX bench_fetch_id ON bench_fetch (id)")
    }

    /// One T-SQL statement that inserts rows 1...`rows` of bench_fetch, the values ``DriverWorkloads/row(_:)`` makes:
    /// the ids come from a cross join of a ten-row digit table, as many times as `rows` has digits.
    static func setBasedFill(rows: Int) -> String {
        let places = String(max(rows - 1, 1)).count
        let digits = (0..<places).map { "d\($0)" }
        let id = digits.enumerated().map { place, name in "\(name).n * 1\(String(repeating: "0", count: place))" }
            .joined(separator: " + ")
        return """
            WITH d(n) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
            g(id) AS (SELECT \(id) + 1 FROM \(digits.map { "d AS \($0)" }.joined(separator: " CROSS JOIN ")))
            INSERT INTO bench_fetch (id, t, f, ts, n)
            SELECT id, N'row number ' + CAST(id AS nvarchar(20)), id * 0.5,
                DATEADD(second, id, CAST('2020-01-01' AS datetime2)), CAST((id % 100000) + 0.25 AS decimal(12,2))
            FROM g WHERE id <= \(rows)
            """
    }

    /// The first line of the server's `@@VERSION` (e.g. `Babelfish for PostgreSQL with SQL Server Compatibility -
    /// 12.0.2000.8`), or `nil` when it has none.
    func serverVersion() throws -> String? {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        let text = try connection.query("SELECT @@VERSION").first.flatMap { try? $0.get(String.self, at: 0) }
        return text?.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The timed workloads, on MSSQLDriver connections through the sandbox.
    var timed: DriverWorkloads {
        let configuration = self.configuration
        return DriverWorkloads(
            connect: { try MSSQLConnection.connect(configuration) }, sizes: sizes, bulkTable: "bench_bcp_swift",
            readsRowViews: ProcessInfo.processInfo.environment["BENCH_MSSQL_ROWS"] != "1")
    }
}
