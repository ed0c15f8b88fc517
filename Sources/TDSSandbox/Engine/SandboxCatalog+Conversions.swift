import DBCore
import Foundation

/// Implicit conversions PostgreSQL does not make by itself, as helpers in schema `tds_sandbox`:
///
/// - comparisons between a character value and a number, date/time or uniqueidentifier (`WHERE id = @p` with
///   `@p nvarchar`, as ODBC drivers and ORMs send): SQL Server converts the character side to the other type
///   (data type precedence), so `=`, `<>`, `<`, `<=`, `>`, `>=` are defined for those pairs and convert the text,
///   failing with the target type's conversion error when it does not convert;
/// - `tds_sandbox.utf16le_text(bytea)`: binary data read as UTF-16LE text, as `CAST(0x… AS nvarchar)` reads it.
extension SandboxCatalog {
    /// The PostgreSQL types a character value is converted to when compared with them. The operators take `text`
    /// (a `varchar` operand reaches them through PostgreSQL's implicit varchar → text coercion); operators on
    /// `varchar` itself would make `varchar = 'literal'` ambiguous.
    static let comparedWithText = [
        "smallint", "integer", "bigint", "numeric", "real", "double precision", "date", "time", "timestamp", "uuid",
    ]

    static func installConversions(_ cursor: any DatabaseCursor) throws {
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.utf16le_text(bytes bytea) RETURNS text
            LANGUAGE plpgsql IMMUTABLE STRICT AS $$
            DECLARE
                result text := '';
                unit integer;
                i integer := 0;
            BEGIN
                WHILE i + 1 < length(bytes) LOOP
                    unit := get_byte(bytes, i) + 256 * get_byte(bytes, i + 1);
                    IF unit BETWEEN 55296 AND 56319 AND i + 3 < length(bytes) THEN
                        unit := 65536 + (unit - 55296) * 1024
                            + (get_byte(bytes, i + 2) + 256 * get_byte(bytes, i + 3) - 56320);
                        i := i + 2;
                    END IF;
                    IF unit > 0 THEN result := result || chr(unit); END IF;
                    i := i + 2;
                END LOOP;
                RETURN result;
            END $$
            """)
        let operators = [("=", "eq"), ("<>", "ne"), ("<", "lt"), ("<=", "le"), (">", "gt"), (">=", "ge")]
        var statements: [String] = []
        for type in comparedWithText {
            let suffix = type.replacingOccurrences(of: " ", with: "_")
            for text in ["text"] {
                for (symbol, name) in operators {
                    let left = "tds_sandbox.cmp_\(name)_\(suffix)_\(text)"
                    let right = "tds_sandbox.cmp_\(name)_\(text)_\(suffix)"
                    statements.append(
                        "CREATE OR REPLACE FUNCTION \(left)(\(type), \(text)) RETURNS boolean LANGUAGE sql IMMUTABLE "
                            + "STRICT AS 'SELECT $1 \(symbol) CAST($2 AS \(type))';")
                    statements.append(
                        "CREATE OR REPLACE FUNCTION \(right)(\(text), \(type)) RETURNS boolean LANGUAGE sql IMMUTABLE "
                            + "STRICT AS 'SELECT CAST($1 AS \(type)) \(symbol) $2';")
                    statements.append(
                        "BEGIN CREATE OPERATOR tds_sandbox.\(symbol) (LEFTARG = \(type), RIGHTARG = \(text), "
                            + "FUNCTION = \(left)); EXCEPTION WHEN duplicate_function THEN NULL; END;")
                    statements.append(
                        "BEGIN CREATE OPERATOR tds_sandbox.\(symbol) (LEFTARG = \(text), RIGHTARG = \(type), "
                            + "FUNCTION = \(right)); EXCEPTION WHEN duplicate_function THEN NULL; END;")
                }
            }
        }
        // One round trip: every function and operator in one DO block (each operator in a block of its own that
        // ignores "already exists").
        try cursor.execute("DO $do$ BEGIN\n" + statements.joined(separator: "\n") + "\nEND $do$")
    }
}
