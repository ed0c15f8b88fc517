import DBCore
import Testing

@testable import MSSQLDriver

/// Stored procedures on the real sandbox, called as RPCs by name: the OUTPUT values and the return status arrive
/// even when the procedure also returns result sets (where pymssql loses them: its issues #466 and #746).
@Suite("MSSQLDriver on the real sandbox: stored procedures", .dropsTestObjects)
struct RealProcedureTests {
    @Test("two result sets, input, OUTPUT and default parameters, and the return status")
    func outputsAfterResultSets() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("proc_items")
            let procedure = RealSandbox.uniqueName("proc_report", kind: .procedure)
            let failing = RealSandbox.uniqueName("proc_fails", kind: .procedure)
            let cursor = try connection.cursor()
            try cursor.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, name NVARCHAR(50), quantity INT)")
            try cursor.execute(
                "INSERT INTO \(table) (id, name, quantity) VALUES (%s, %s, %s), (%s, %s, %s), (%s, %s, %s)",
                [1, "banana", 150, 2, "orange", 154, 3, "äpple", 100])
            try cursor.execute(
                """
                CREATE PROCEDURE \(procedure)
                    @minimum INT,
                    @label NVARCHAR(20) = N'items',
                    @total INT OUTPUT,
                    @summary NVARCHAR(100) OUTPUT
                AS
                BEGIN
                    SET NOCOUNT ON
                    SELECT id, name FROM \(table) WHERE quantity >= @minimum ORDER BY id
                    SELECT COUNT(*) AS n FROM \(table)
                    SELECT @total = SUM(quantity) FROM \(table) WHERE quantity >= @minimum
                    SET @summary = @label + N': ' + CAST(@total AS NVARCHAR(20))
                    RETURN 7
                END
                """)

            let result = try connection.callProcedure(
                procedure,
                parameters: [
                    .input("@minimum", .int(120)), .output("@total", type: .int),
                    .output("@summary", type: .string(maxLength: 100)),
                ])
            #expect(result.resultSets.count == 2)
            #expect(
                result.resultSets.first?.map { Array($0.values) } == [
                    [.int(1), .string("banana")], [.int(2), .string("orange")],
                ])
            #expect(result.resultSets.last?.first?[0] == .int(3))
            #expect(result.outputs["@total"] == .int(304))
            #expect(result.outputs["@summary"] == .string("items: 304"))
            #expect(result.returnStatus == 7)

            // The connection is usable afterwards, and an error inside the procedure names it.
            try cursor.execute(
                "CREATE PROCEDURE \(failing) AS BEGIN SELECT 1 AS one; SELECT 1 / 0 AS boom; END")
            #expect {
                _ = try connection.callProcedure(failing, parameters: [])
            } throws: { error in
                guard let error = error as? DatabaseError else { return false }
                return error.number == 8134 && error.kind == .dataException
                    && (error.procedure ?? "").lowercased().contains("proc_fails")
            }
            #expect(try connection.query("SELECT 42 AS v").first?[0] == .int(42))
        }
    }
}
