import DBCore
import Testing

@testable import MSSQLDriver

@Suite("NULL parameters written as NULL in the statement")
struct NullInliningTests {
    @Test("only whole placeholder tokens outside literals, identifiers and comments are replaced")
    func inlining() {
        let sql = """
            INSERT t (a, [@P2], b) VALUES (@P1, @P2, '@P2', N'x@P2', @P20, @p2) -- @P2
            /* @P2 /* @P2 */ */ SELECT @@P2, @P2x, "@P2"
            """
        let expected = """
            INSERT t (a, [@P2], b) VALUES (@P1, NULL, '@P2', N'x@P2', @P20, NULL) -- @P2
            /* @P2 /* @P2 */ */ SELECT @@P2, @P2x, "@P2"
            """
        #expect(MSSQLNullInlining.inline(sql, positions: [2]) == expected)
        #expect(MSSQLNullInlining.inline(sql, positions: []) == sql)
        #expect(MSSQLNullInlining.inline("SELECT @P1,@P2", positions: [1, 2]) == "SELECT NULL,NULL")
    }

    @Test("the sp_executesql statement carries NULL for NULL values and SET for empty ones")
    func statement() throws {
        let encoded = try [.null, .string(""), .int(1)].map(MSSQLParameterEncoder.encode)
        #expect(
            MSSQLParameterEncoder.statement("SELECT @P1, @P2, @P3", encoded)
                == "SET @P2 = N''; SELECT NULL, @P2, @P3")
    }
}
