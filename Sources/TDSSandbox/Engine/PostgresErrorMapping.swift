import DBCore
import Foundation

/// Turns PostgreSQL errors (SQLSTATE + fields) into SQL Server errors (number, severity, SQL Server-style text).
/// The README's error table lists the same mapping.
enum PostgresErrorMapping {
    /// The SQL Server error for a PostgreSQL error raised by a statement that starts on `line`; `verb` is the
    /// statement's first keyword (INSERT, UPDATE, DELETE, …) for the constraint messages.
    static func message(for error: DatabaseError, line: Int, verb: String = "INSERT") -> SQLServerMessage {
        let text = error.message
        func make(_ number: Int, _ severity: Int, _ message: String, state: Int = 1) -> SQLServerMessage {
            SQLServerMessage(number: number, state: state, severity: severity, message: message, line: line)
        }
        let table = objectName(error.table)
        switch error.sqlState ?? "" {
        case "23505":
            let constraint = error.constraint ?? ""
            let value = duplicateValue(error.detail)
            if constraint.hasSuffix("_pkey") {
                return make(
                    2627, 14,
                    "Violation of PRIMARY KEY constraint '\(constraint)'. Cannot insert duplicate key in object '\(table)'. The duplicate key value is \(value).",
                    state: 1)
            }
            if constraint.hasSuffix("_key") {
                return make(
                    2627, 14,
                    "Violation of UNIQUE KEY constraint '\(constraint)'. Cannot insert duplicate key in object '\(table)'. The duplicate key value is \(value).",
                    state: 1)
            }
            return make(
                2601, 14,
                "Cannot insert duplicate key row in object '\(table)' with unique index '\(constraint)'. The duplicate key value is \(value)."
            )
        case "23503":
            return make(
                547, 16,
                "The \(verb) statement conflicted with the FOREIGN KEY constraint \"\(error.constraint ?? "")\". The conflict occurred in table \"\(table)\"."
                    + (error.detail.map { " " + $0 } ?? ""), state: 0)
        case "23514":
            return make(
                547, 16,
                "The \(verb) statement conflicted with the CHECK constraint \"\(error.constraint ?? "")\". The conflict occurred in table \"\(table)\".",
                state: 0)
        case "23502":
            let column = error.column ?? quoted(text) ?? ""
            return make(
                515, 16,
                "Cannot insert the value NULL into column '\(column)', table '\(table)'; column does not allow nulls. \(verb) fails.",
                state: 2)
        case "42P01":
            return make(208, 16, "Invalid object name '\(quoted(text) ?? text)'.")
        case "42703":
            let name = quoted(text) ?? text.split(separator: " ").dropFirst().first.map(String.init) ?? text
            return make(207, 16, "Invalid column name '\(name.split(separator: ".").last.map(String.init) ?? name)'.")
        case "42601":
            if text.contains("end of input") { return make(102, 15, "Incorrect syntax near the end of the batch.") }
            return make(102, 15, "Incorrect syntax near '\(quoted(text) ?? text)'.")
        case "22001":
            return make(2628, 16, "String or binary data would be truncated in table '\(table)'. (\(text))")
        case "22012":
            return make(8134, 16, "Divide by zero error encountered.")
        case "40P01":
            return make(
                1205, 13,
                "Transaction was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.",
                state: 51)
        case "40001":
            return make(
                3960, 16,
                "Snapshot isolation transaction aborted due to update conflict. Retry the transaction. (\(text))",
                state: 2)
        case "22003":
            return make(
                8115, 16, "Arithmetic overflow error converting expression to data type \(overflowType(text)).",
                state: 2)
        case "22007":
            return make(241, 16, "Conversion failed when converting date and/or time from character string.")
        case "22008":
            return make(
                242, 16,
                "The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.",
                state: 3)
        case "22P02":
            let value = quoted(text).map { "value '\($0)'" } ?? "value"
            let type =
                text.range(of: "for type ").map { String(text[$0.upperBound...].prefix(while: { $0 != ":" })) }
                ?? "the target type"
            switch type {
            case "uuid":
                return make(
                    8169, 16, "Conversion failed when converting from a character string to uniqueidentifier.", state: 2
                )
            case "numeric", "double precision", "real":
                return make(8114, 16, "Error converting data type varchar to \(tsqlName(type)).", state: 5)
            default:
                return make(
                    245, 16, "Conversion failed when converting the varchar \(value) to data type \(tsqlName(type)).")
            }
        case "42883":
            if text.hasPrefix("operator") {
                return make(402, 16, "The data types in this operation are incompatible (\(text)).")
            }
            return make(195, 15, "'\(functionName(text))' is not a recognized built-in function name.", state: 10)
        case "42P07":
            return make(
                2714, 16, "There is already an object named '\(quoted(text) ?? text)' in the database.", state: 6)
        case "42P06":
            return make(
                2714, 16, "There is already an object named '\(quoted(text) ?? text)' in the database.", state: 6)
        case "3F000":
            return make(
                2760, 16,
                "The specified schema name \"\(quoted(text) ?? text)\" either does not exist or you do not have permission to use it."
            )
        case "42804", "42846":
            return make(206, 16, "Operand type clash: \(text)", state: 2)
        case "25P02":
            return make(
                3930, 16,
                "The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction."
            )
        case "55P03":
            return make(1222, 16, "Lock request time out period exceeded.", state: 45)
        case "42501":
            return make(229, 14, "The permission was denied: \(text)", state: 5)
        case "3D000":
            return make(
                911, 16,
                "Database '\(quoted(text) ?? text)' does not exist. Make sure that the name is entered correctly.")
        default:
            let code = error.sqlState.map { "SQLSTATE \($0): " } ?? ""
            return make(50000, 16, "PostgreSQL error \(code)\(text)")
        }
    }

    /// The first `"…"` in a PostgreSQL message.
    static func quoted(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "\"") else { return nil }
        let rest = text[text.index(after: open)...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close])
    }

    /// `dbo.t` for a table in `public`, as SQL Server names objects.
    private static func objectName(_ table: String?) -> String {
        guard let table else { return "" }
        return table.contains(".") ? table : "dbo." + table
    }

    /// `(1)` from `Key (id)=(1) already exists.`.
    private static func duplicateValue(_ detail: String?) -> String {
        guard let detail, let equals = detail.range(of: ")=(") else { return "()" }
        let rest = detail[detail.index(before: equals.upperBound)...]
        guard let close = rest.range(of: ") already exists") else { return String(rest) }
        return String(rest[..<close.lowerBound]) + ")"
    }

    private static func overflowType(_ text: String) -> String {
        if text.contains("smallint") { return "smallint" }
        if text.contains("bigint") { return "bigint" }
        if text.contains("integer") { return "int" }
        if text.contains("numeric") { return "numeric" }
        return "numeric"
    }

    private static func tsqlName(_ pgType: String) -> String {
        switch pgType {
        case "integer": return "int"
        case "smallint": return "smallint"
        case "bigint": return "bigint"
        case "uuid": return "uniqueidentifier"
        case "boolean": return "bit"
        case "numeric": return "numeric"
        case "double precision": return "float"
        case "real": return "real"
        default: return pgType
        }
    }

    private static func functionName(_ text: String) -> String {
        guard let start = text.range(of: "function ") else { return text }
        return String(text[start.upperBound...].prefix(while: { $0 != "(" && $0 != " " }))
    }
}
