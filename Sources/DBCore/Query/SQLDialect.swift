/// How a database writes what the shared API needs to render: its parameter placeholders and which quoting
/// forms its SQL has (for the placeholder lexer).
public struct SQLDialect: Sendable, Hashable {
    /// The database family.
    public let backend: DatabaseBackend

    /// PostgreSQL: `$1`, `$2`, …; dollar-quoted strings; `"quoted identifiers"`; `E'...'` escape strings.
    public static let postgresql = SQLDialect(backend: .postgresql)
    /// SQL Server: `@P1`, `@P2`, … (sp_executesql parameters); `[bracketed identifiers]`; `N'...'` literals.
    public static let sqlServer = SQLDialect(backend: .sqlServer)

    /// The native placeholder for the parameter at 1-based `position`.
    public func placeholder(_ position: Int) -> String {
        switch backend {
        case .postgresql: return "$\(position)"
        case .sqlServer: return "@P\(position)"
        }
    }
}

/// The database families the drivers speak to.
public enum DatabaseBackend: String, Sendable, Hashable, CaseIterable {
    /// PostgreSQL, Azure Database for PostgreSQL.
    case postgresql
    /// Microsoft SQL Server, Azure SQL.
    case sqlServer
}

/// SQL with native placeholders plus the values that go with them, ready for a driver to send as server-side
/// parameters.
public struct BoundStatement: Sendable, Hashable {
    /// The SQL text in the driver's native placeholder syntax (`$1` or `@P1`).
    public var sql: String
    /// The parameter values, in placeholder order (the value for `$1` / `@P1` first).
    public var parameters: [SQLValue]

    /// Creates a statement.
    public init(sql: String, parameters: [SQLValue] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}
