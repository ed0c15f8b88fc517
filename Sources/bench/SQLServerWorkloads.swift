import DBCore
import Foundation
import MSSQLDriver

/// The SQL Server bench tables (through the TDS sandbox), and the workloads run on them by MSSQLDriver
/// (``DriverWorkloads``).
struct SQLServerWorkloads {
    let configuration: ConnectionConfiguration
    let sizes: BenchSizes

    /// The columns of every table: (int, text, float8, timestamp, numeric(12,2)) as SQL Server types.
    static let columns = "(id int, t nvarchar(100), f float, ts datetime2, n decimal(12,2))"

    /// Creates the tables and fills bench_fetch (with bulk copy, outside any measurement).
    func prepare() throws {
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        try connection.setAutocommit(true)
        let cursor = try connection.makeCursor()
        for table in ["bench_fetch"] + ["c", "py", "swift"].flatMap({ ["bench_many_\($0)", "bench_bcp_\($0)"] }) {
            try cursor.execute("IF OBJECT_ID('\(table)') IS NOT NULL DROP TABLE \(table)")
            try cursor.execute("CREATE TABLE \(table) \(Self.columns)")
        }
        try connection.bulkInsert(
            into: "bench_fetch", columns: ["id", "t", "f", "ts", "n"],
            rows: (1...sizes.fetchRows).lazy.map(DriverWorkloads.row), options: BulkCopyOptions(batchSize: 100_000))
        try cursor.execute("CREATE UNIQUE INDEX bench_fetch_id ON bench_fetch (id)")
    }

    /// The timed workloads, on MSSQLDriver connections through the sandbox.
    var timed: DriverWorkloads {
        let configuration = self.configuration
        return DriverWorkloads(
            connect: { try MSSQLConnection.connect(configuration) }, sizes: sizes, bulkTable: "bench_bcp_swift",
            readsRowViews: ProcessInfo.processInfo.environment["BENCH_MSSQL_ROWS"] != "1")
    }
}
