import DBCore
import Foundation
import TDSSandbox
import Testing

/// `bit` columns with integer defaults, as SQL Server scripts and ORMs write them (`DEFAULT 0`, `DEFAULT ((1))`).
@Suite("Engine: bit column defaults")
struct EngineBitDefaultTests {
    @Test func integerDefaultsOnBitColumns() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let table = "bit_defaults_\(UInt32.random(in: 0...UInt32.max))"
        _ = try engine.ok(
            """
            CREATE TABLE \(table) (id int PRIMARY KEY, done bit NOT NULL DEFAULT 0, shown bit DEFAULT ((1)),
                flag bit CONSTRAINT df_\(table) DEFAULT (0) NOT NULL)
            """)
        defer { _ = try? engine.ok("DROP TABLE \(table)") }
        _ = try engine.ok("INSERT INTO \(table) (id) VALUES (1)")
        let result = try engine.ok("SELECT done, shown, flag FROM \(table)")
        #expect(result.resultSets.last?.rows == [[.bool(false), .bool(true), .bool(false)]])
    }
}
