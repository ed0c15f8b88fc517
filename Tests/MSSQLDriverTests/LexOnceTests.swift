import DBCore
import Testing

@testable import MSSQLDriver

/// A parameterised statement is lexed once on the client: the DB-API rewriting's pass records the placeholders,
/// and the driver writes `NULL` at the recorded places without lexing the statement again.
@Suite("MSSQLDriver: a statement is lexed once")
struct LexOnceTests {
    @Test("NULL inlining uses the layout the rewriting recorded")
    func usesLayout() throws {
        let bound = try PlaceholderLexer.bind(
            "SELECT %s, '%%s @P1', [@P1], %s", positional: [.null, .int(1)], dialect: .sqlServer)
        let encoded = try bound.parameters.map(MSSQLParameterEncoder.encode)
        #expect(MSSQLParameterEncoder.statement(bound, encoded) == "SELECT NULL, '%%s @P1', [@P1], @P2")

        // A layout that names a place no lexer would call a placeholder shows which one the driver follows.
        let sql = "SELECT @P1, '@P1'"
        let quoted = Array(sql.utf8).count - 4..<Array(sql.utf8).count - 1
        let forged = BoundStatement(
            sql: sql, parameters: [.null],
            layout: StatementLayout(
                placeholders: [.init(range: quoted, position: 1)], containsMultipleStatements: false))
        #expect(
            MSSQLParameterEncoder.statement(forged, [try MSSQLParameterEncoder.encode(.null)]) == "SELECT @P1, 'NULL'")
    }

    @Test("a statement without a layout (native @Pn written by the caller) is lexed by the driver")
    func withoutLayout() throws {
        let statement = BoundStatement(sql: "SELECT @P1, '@P1'", parameters: [.null])
        #expect(
            MSSQLParameterEncoder.statement(statement, [try MSSQLParameterEncoder.encode(.null)])
                == "SELECT NULL, '@P1'")
    }
}
