import SQLLexing

/// How a database writes what the shared API needs to render: its parameter placeholders, and the lexer that
/// reads its SQL (for the DB-API placeholders): PostgreSQL's scanner or the T-SQL tokenizer (module SQLLexing).
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
    public var sql: String {
        didSet { layout = nil }
    }
    /// The parameter values, in placeholder order (the value for `$1` / `@P1` first).
    public var parameters: [SQLValue]
    /// What the placeholder rewriting's lexer pass found in ``sql`` (`nil` when the statement did not come from it,
    /// or ``sql`` changed since): the driver reuses it instead of lexing the statement again.
    package private(set) var layout: StatementLayout?

    /// Creates a statement.
    public init(sql: String, parameters: [SQLValue] = []) {
        self.sql = sql
        self.parameters = parameters
        self.layout = nil
    }

    /// Creates a statement with the layout the placeholder rewriting found in `sql`.
    package init(sql: String, parameters: [SQLValue], layout: StatementLayout) {
        self.sql = sql
        self.parameters = parameters
        self.layout = layout
    }

    /// Statements are equal when their SQL and parameters are (the layout follows from the SQL).
    public static func == (lhs: BoundStatement, rhs: BoundStatement) -> Bool {
        lhs.sql == rhs.sql && lhs.parameters == rhs.parameters
    }

    /// Hashes the SQL and the parameters.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(sql)
        hasher.combine(parameters)
    }
}

extension SQLDialect {
    /// The dialect's one lexer, which the placeholder rewriting walks.
    var lexer: any SQLLexer.Type {
        switch backend {
        case .postgresql: return PGStatementScanner.self
        case .sqlServer: return TSQLTokenizer.self
        }
    }
}
