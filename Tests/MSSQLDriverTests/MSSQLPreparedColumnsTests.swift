import DBCore
import Foundation
import MSSQLDriver
import Testing

/// A prepared statement run again by handle reuses the columns described at its last run
/// (`PreparedResultShape`): what the cursor shows and decodes must stay what describing them afresh gives.
@Suite("MSSQLDriver prepared statements' result columns", .dropsTestObjects)
struct MSSQLPreparedColumnsTests {
    @Test("runs by handle, repeated and interleaved, show the columns and values of unprepared runs")
    func sameColumnsEachRun() async throws {
        try await offPool {
            var configuration = try RealSandbox.configuration()
            configuration.options["prepare_threshold"] = "0"
            let prepared = try MSSQLConnection.connect(configuration)
            defer { prepared.close() }
            try prepared.setAutocommit(true)
            configuration.options["prepare_threshold"] = "none"
            let plain = try MSSQLConnection.connect(configuration)
            defer { plain.close() }
            try plain.setAutocommit(true)
            let table = RealSandbox.uniqueName("prepared_columns")
            try prepared.run(
                """
                CREATE TABLE \(table) (id INT PRIMARY KEY, name NVARCHAR(20), code VARCHAR(7), amount DECIMAL(10,2),
                at DATETIME2(3))
                """)
            defer { _ = try? prepared.run("DROP TABLE \(table)") }
            try prepared.run(
                """
                INSERT INTO \(table) VALUES (1, N'één', 'a', 1.50, '2024-01-02 03:04:05.678'),
                (2, NULL, 'bcdefgh', -2.25, NULL)
                """)
            let statements = [
                "SELECT id, name, code, amount, at FROM \(table) WHERE id = %s",
                "SELECT name AS first, id AS second FROM \(table) WHERE id = %s",
                "SELECT amount, code, id FROM \(table) WHERE id = %s",
            ]
            let reference = try plain.makeCursor()
            let cursor = try prepared.makeCursor()
            for id in [1, 2, 2, 1] {
                for sql in statements {
                    try reference.execute(sql, [id])
                    let expectedColumns = try #require(reference.columns)
                    let expectedRow = try #require(try reference.fetchOne())
                    // Twice in a row: the second run by handle takes the columns described by the first.
                    for _ in 0..<2 {
                        try cursor.execute(sql, [id])
                        #expect(cursor.columns == expectedColumns)
                        let row = try #require(try cursor.fetchOne())
                        #expect(Array(row.values) == Array(expectedRow.values))
                        #expect(row.columns.descriptions == expectedRow.columns.descriptions)
                        #expect(try cursor.fetchOne()?.values == nil)
                    }
                }
            }
            let statistics = prepared.statementCacheStatistics
            #expect(statistics.prepared == 3 && statistics.hits == 21)
        }
    }
}
