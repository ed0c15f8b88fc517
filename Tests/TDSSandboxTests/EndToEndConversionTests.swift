import DBCore
import Foundation
import Testing

/// Implicit conversions from FreeTDS's `tsql`: typed parameters and variables declared as character data,
/// NULL and not, into an `int` column and in a comparison; a value that does not convert is SQL Server's 245.
@Suite("End to end: implicit conversions from tsql")
struct EndToEndConversionTests {
    @Test(.enabled(if: EndToEndSandbox.hasTsql, "tsql is not installed"))
    func typedCharacterValuesConvert() throws {
        let sandbox = try EndToEndSandbox()
        let results = try sandbox.tsql(
            """
            CREATE TABLE conv (id int, qty int)
            go
            EXEC sp_executesql N'INSERT INTO conv VALUES (@i, @q)', N'@i varchar(5), @q nvarchar(10)', @i = '1', @q = NULL
            go
            DECLARE @q2 nvarchar(10) = '17'
            INSERT INTO conv (id, qty) VALUES (2, @q2)
            EXEC sp_executesql N'SELECT id FROM conv WHERE qty = @q', N'@q varchar(5)', @q = '17'
            SELECT id, qty FROM conv ORDER BY id
            go
            EXEC sp_executesql N'INSERT INTO conv (id, qty) VALUES (3, @q)', N'@q varchar(5)', @q = 'x'
            go
            exit

            """)
        // (tsql prints "(return status = 0)" after each EXEC, which the parser takes for a header line.)
        let rows = results.tables.flatMap(\.rows)
        let expected: [[String]] = [["2"], ["1", "NULL"], ["2", "17"]]
        let found = rows.indices.contains { start in Array(rows[start...].prefix(3)) == expected }
        #expect(found, "\(results.printed)")
        #expect(results.errors.map(\.number) == [245], "\(results.printed)")
    }
}
