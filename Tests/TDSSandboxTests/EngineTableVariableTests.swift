import DBCore
import Foundation
import TDSSandbox
import Testing

/// Table variables (`DECLARE @t TABLE (…)`), held in a temporary table per variable.
@Suite("Engine: table variables")
struct EngineTableVariableTests {
    @Test func declareInsertUpdateSelectJoin() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            DECLARE @t TABLE (id int PRIMARY KEY, name nvarchar(20)), @n int = 2
            INSERT INTO @t (id, name) VALUES (1, N'a'), (2, N'b')
            UPDATE @t SET name = N'c' WHERE id = @n
            SELECT t.id, t.name, u.id AS other FROM @t AS t JOIN @t AS u ON u.id = t.id ORDER BY t.id
            """)
        #expect(result.resultSets.last?.rows == [[.int(1), .string("a"), .int(1)], [.int(2), .string("c"), .int(2)]])
        #expect(result.resultSets.last?.columns.map(\.type) == [.int, .nvarchar(20), .int])
        // Each batch starts with a fresh, empty variable.
        let again = try engine.ok("DECLARE @t TABLE (id int)\nSELECT COUNT(*) FROM @t")
        #expect(again.scalar == .int(0))
    }
}
