import Foundation
import SQLKit

/// SQLKit's dialect for SQL Server and Azure SQL through MSSQLDriver (T-SQL).
///
/// SQLKit's statement types are PostgreSQL-shaped (`LIMIT`/`OFFSET`, `RETURNING`, `ON CONFLICT`,
/// `CREATE TABLE IF NOT EXISTS`); ``DBSQLDatabase`` therefore runs every statement through ``prepare(_:)`` before
/// serializing it, which renders each statement kind as T-SQL: `OFFSET … ROWS FETCH NEXT … ROWS ONLY` (with an
/// `ORDER BY`) or `TOP (n)`, `OUTPUT INSERTED.…`, `MERGE` for upserts, `IF OBJECT_ID(…) IS NULL` guards, one
/// `ALTER TABLE` per kind of change, table hints for locking clauses. Identifiers come out as `[name]`,
/// placeholders as `@P1`, booleans as `1`/`0`, and a statement that cannot be written in T-SQL is refused before it
/// is sent, with an error naming the construct.
public struct SQLServerDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    /// `"sqlserver"`.
    public var name: String { "sqlserver" }
    /// `"` while serializing; the final pass writes every quoted identifier as `[name]`.
    public var identifierQuote: any SQLExpression { SQLRaw("\"") }
    /// `'` (the final pass writes string literals as `N'…'`).
    public var literalStringQuote: any SQLExpression { SQLRaw("'") }
    /// Identity columns are supported.
    public var supportsAutoIncrement: Bool { true }
    /// `IDENTITY(1,1)`.
    public var autoIncrementClause: any SQLExpression { SQLRaw("IDENTITY(1,1)") }
    /// `@Pposition`, as `sp_executesql` binds it.
    public func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("@P\(position)") }
    /// `1` / `0` (T-SQL has no boolean literals).
    public func literalBoolean(_ value: Bool) -> any SQLExpression { SQLRaw(value ? "1" : "0") }
    /// `DEFAULT`.
    public var literalDefault: any SQLExpression { SQLRaw("DEFAULT") }
    /// `DROP … IF EXISTS` (SQL Server 2016 and later); `CREATE TABLE IF NOT EXISTS` is rewritten by ``prepare(_:)``.
    public var supportsIfExists: Bool { true }
    /// No enum types: Fluent stores enums in a string column with a CHECK constraint.
    public var enumSyntax: SQLEnumSyntax { .unsupported }
    /// No `CASCADE` / `RESTRICT` on drops.
    public var supportsDropBehavior: Bool { false }
    /// Returning columns are supported, written as `OUTPUT INSERTED.…` / `OUTPUT DELETED.…` by ``prepare(_:)``.
    public var supportsReturning: Bool { true }
    /// No triggers through SQLKit.
    public var triggerSyntax: SQLTriggerSyntax { .init() }
    /// `ALTER COLUMN c type`, one change per statement (``prepare(_:)`` splits batches).
    public var alterTableSyntax: SQLAlterTableSyntax {
        .init(
            alterColumnDefinitionClause: SQLRaw("ALTER COLUMN"), alterColumnDefinitionTypeKeyword: nil,
            allowsBatch: false)
    }
    /// SQL Server's type names: `INT`, `NVARCHAR(MAX)`, `VARBINARY(MAX)`, `DATETIMEOFFSET`, `REAL`.
    public func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? {
        switch dataType {
        case .smallint: return SQLRaw("SMALLINT")
        case .int: return SQLRaw("INT")
        case .bigint: return SQLRaw("BIGINT")
        case .text: return SQLRaw("NVARCHAR(MAX)")
        case .real: return SQLRaw("REAL")
        case .blob: return SQLRaw("VARBINARY(MAX)")
        case .custom(let expression):
            switch (expression as? SQLRaw)?.sql.uppercased() {
            case "TIMESTAMP", "TIMESTAMPTZ": return SQLRaw("DATETIMEOFFSET")
            case "BOOLEAN", "BOOL": return SQLRaw("BIT")
            case "TEXT": return SQLRaw("NVARCHAR(MAX)")
            case "UUID": return SQLRaw("UNIQUEIDENTIFIER")
            case "DOUBLE PRECISION", "DOUBLE": return SQLRaw("FLOAT")
            case "BYTEA", "BLOB": return SQLRaw("VARBINARY(MAX)")
            case "JSON", "JSONB": return SQLRaw("NVARCHAR(MAX)")
            default: return nil
            }
        }
    }
    /// Upserts are accepted and written as `MERGE` by ``prepare(_:)``.
    public var upsertSyntax: SQLUpsertSyntax { .standard }
    /// `UNION`, `UNION ALL`, `INTERSECT`, `EXCEPT` (T-SQL has no `INTERSECT ALL` / `EXCEPT ALL`).
    public var unionFeatures: SQLUnionFeatures { [.union, .unionAll, .intersect, .except] }
    /// `nil`: locking clauses become table hints (`WITH (HOLDLOCK)`) in ``prepare(_:)``.
    public var sharedSelectLockExpression: (any SQLExpression)? { nil }
    /// `nil`: locking clauses become table hints (`WITH (UPDLOCK)`) in ``prepare(_:)``.
    public var exclusiveSelectLockExpression: (any SQLExpression)? { nil }
    /// `COALESCE(JSON_QUERY(column, N'$."a"."b"'), JSON_VALUE(column, N'$."a"."b"'))`: the object or array at the
    /// path as JSON text, or the scalar there as text (T-SQL splits the two between two functions).
    public func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        guard !path.isEmpty else { return nil }
        let jsonPath = "$" + path.map { ".\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined()
        return SQLFunction(
            "COALESCE",
            args: SQLFunction("JSON_QUERY", args: column, SQLLiteral.string(jsonPath)),
            SQLFunction("JSON_VALUE", args: column, SQLLiteral.string(jsonPath)))
    }
}
