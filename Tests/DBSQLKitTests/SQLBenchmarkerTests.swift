import DBCore
import DBSQLKit
import Foundation
import MSSQLDriver
import PGDriver
import SQLKit
import SQLKitBenchmark
import TestSupport
import XCTest

/// sql-kit's own conformance suite (`SQLBenchmarker.runAllTests()`), run over the real wire against PostgreSQL
/// (PGDriver) and SQL Server (MSSQLDriver against the TDS sandbox), each in a database of its own. XCTest, because
/// the suite reports through XCTest assertions.
final class SQLBenchmarkerTests: XCTestCase {
    func testSQLBenchmarkerOnPostgreSQL() async throws {
        let database = try BenchmarkDatabase.make(prefix: "sqlkit_pg")
        defer { database.drop() }
        let pool = ConnectionPool(driver: PGDriver(), configuration: database.postgresConfiguration)
        defer { pool.close() }
        try await SQLBenchmarker(on: pool.sql(queryLogLevel: nil)).runAllTests()
    }

    func testSQLBenchmarkerOnSQLServerSandbox() async throws {
        let database = try BenchmarkDatabase.make(prefix: "sqlkit_mssql")
        defer { database.drop() }
        let pool = ConnectionPool(driver: MSSQLDriver(), configuration: try database.sandboxConfiguration())
        defer { pool.close() }
        try await SQLBenchmarker(on: pool.sql(queryLogLevel: nil)).runAllTests()
    }
}
