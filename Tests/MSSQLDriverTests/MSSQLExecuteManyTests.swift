import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

@Suite("MSSQLDriver executeMany (batched sp_executesql)", .dropsTestObjects)
struct MSSQLExecuteManyTests {
    @Test("renumbering touches parameters only, not literals, identifiers or comments")
    func renumbering() {
        let sql = "INSERT [@P1] VALUES (@P1, @p2, '@P1', N'it''s @P2', @P10, @Pa, x@P1) -- @P1\n/* @P2 /* @P1 */ */ @P2"
        let rendered = TSQLParameterRenumbering(sql).render(offset: 10)
        #expect(
            rendered
                == "INSERT [@P1] VALUES (@P11, @P12, '@P1', N'it''s @P2', @P20, @Pa, x@P1) -- @P1\n/* @P2 /* @P1 */ */ @P12"
        )
    }

    @Test("1200 sets over several round trips: total rowCount, values, NULLs, Unicode, empty strings")
    func manySets() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("many")
        let connection = try sandbox.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("CREATE TABLE \(table) (Id int, Name nvarchar(50), Price decimal(12,2))")
        let sets: [[SQLValue]] = (0..<1200).map { (index: Int) -> [SQLValue] in
            let text: String = index % 5 == 0 ? "" : "név \(index) 日本"
            let name: SQLValue = index % 7 == 0 ? .null : .string(text)
            return [.int(Int64(index)), name, .decimal(SQLDecimal("\(index).50")!)]
        }
        try cursor.executeMany("INSERT INTO \(table) (Id, Name, Price) VALUES (@P1, @P2, @P3);", parameterSets: sets)
        #expect(cursor.rowCount == 1200)
        let rows = try connection.run("SELECT Id, Name, Price FROM \(table) ORDER BY Id")
        #expect(rows.map(\.values) == sets)
        try cursor.executeMany(
            "UPDATE \(table) SET Price = Price + 1 WHERE Id < @P1", parameterSets: [[.int(10)], [.int(5)]])
        #expect(cursor.rowCount == 15)
    }

    @Test("off the multi-row path, the first failing set stops the run and is named; earlier sets stay (autocommit on)")
    func failingSet() throws {
        let sandbox = try IsolatedSandbox()
        let table = sandbox.table("keys")
        let connection = try sandbox.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("CREATE TABLE \(table) (Id int PRIMARY KEY)")
        var ids = Array(0..<900)
        ids[700] = 3
        let error = #expect(throws: DatabaseError.self) {
            // INSERT … SELECT is not a plain INSERT … VALUES: it keeps the per-set TRY/CATCH batching.
            try cursor.executeMany("INSERT INTO \(table) SELECT @P1", parameterSets: ids.map { [.int(Int64($0))] })
        }
        #expect(error?.kind == .uniqueViolation)
        #expect(error?.number == 2627)
        #expect(error?.message.hasPrefix("parameter set 700 failed: ") == true)
        #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(700))
        // The connection is still usable.
        try cursor.executeMany("INSERT INTO \(table) VALUES (@P1)", parameterSets: [[.int(5000)]])
        #expect(cursor.rowCount == 1)
    }
}
