import DBCore
import Testing

@testable import TDSSandbox

@Suite("Engine: SQLSTATE → SQL Server error table")
struct EngineErrorMappingTests {
    private func map(
        _ state: String, _ message: String, detail: String? = nil, table: String? = nil, column: String? = nil,
        constraint: String? = nil, line: Int = 3, verb: String = "INSERT"
    ) -> SQLServerMessage {
        let error = DatabaseError(
            kind: .other, code: .sqlState(state), message: message, detail: detail, table: table, column: column,
            constraint: constraint)
        return PostgresErrorMapping.message(for: error, line: line, verb: verb)
    }

    @Test func uniqueViolations() {
        let pk = map(
            "23505", "duplicate key value violates unique constraint \"t_pkey\"",
            detail: "Key (id)=(1) already exists.", table: "t", constraint: "t_pkey")
        #expect(pk.number == 2627 && pk.severity == 14 && pk.line == 3)
        #expect(
            pk.message
                == "Violation of PRIMARY KEY constraint 't_pkey'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (1)."
        )
        let unique = map("23505", "dup", detail: "Key (code)=(a) already exists.", table: "t", constraint: "t_code_key")
        #expect(unique.number == 2627 && unique.message.hasPrefix("Violation of UNIQUE KEY constraint 't_code_key'."))
        let index = map("23505", "dup", detail: "Key (qty)=(5) already exists.", table: "t", constraint: "ix_qty")
        #expect(index.number == 2601 && index.severity == 14)
        #expect(
            index.message
                == "Cannot insert duplicate key row in object 'dbo.t' with unique index 'ix_qty'. The duplicate key value is (5)."
        )
    }

    @Test func theTable() {
        let expected: [(String, String, Int, Int)] = [
            ("23503", "insert or update on table \"c\" violates foreign key constraint \"c_pid_fkey\"", 547, 16),
            ("23514", "new row for relation \"p\" violates check constraint \"p_n_check\"", 547, 16),
            ("23502", "null value in column \"qty\" of relation \"p\" violates not-null constraint", 515, 16),
            ("42P01", "relation \"nosuchtable\" does not exist", 208, 16),
            ("42703", "column \"nosuchcolumn\" does not exist", 207, 16),
            ("42601", "syntax error at or near \"FROM\"", 102, 15),
            ("22001", "value too long for type character varying(2)", 2628, 16),
            ("22012", "division by zero", 8134, 16),
            ("40P01", "deadlock detected", 1205, 13),
            ("40001", "could not serialize access due to concurrent update", 3960, 16),
            ("22003", "integer out of range", 8115, 16),
            ("22007", "invalid input syntax for type date: \"x\"", 241, 16),
            ("22008", "date/time field value out of range: \"2024-02-30\"", 242, 16),
            ("22P02", "invalid input syntax for type integer: \"abc\"", 245, 16),
            ("42883", "function nosuch(integer) does not exist", 195, 15),
            ("42P07", "relation \"t\" already exists", 2714, 16),
            ("XX000", "internal error", 50000, 16),
        ]
        for (state, message, number, severity) in expected {
            let mapped = map(state, message)
            #expect(mapped.number == number, "\(state)")
            #expect(mapped.severity == severity, "\(state)")
            #expect(mapped.line == 3)
        }
        #expect(map("42P01", "relation \"nosuchtable\" does not exist").message == "Invalid object name 'nosuchtable'.")
        #expect(map("42703", "column \"nosuchcolumn\" does not exist").message == "Invalid column name 'nosuchcolumn'.")
        #expect(map("42601", "syntax error at or near \"FROM\"").message == "Incorrect syntax near 'FROM'.")
        #expect(map("22012", "division by zero").message == "Divide by zero error encountered.")
        #expect(
            map("22P02", "invalid input syntax for type integer: \"abc\"").message
                == "Conversion failed when converting the varchar value 'abc' to data type int.")
        #expect(
            map("23502", "null", table: "p", column: "qty").message
                == "Cannot insert the value NULL into column 'qty', table 'dbo.p'; column does not allow nulls. INSERT fails."
        )
    }
}
