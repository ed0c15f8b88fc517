/// SQL written with Swift string interpolation, where interpolated values become server-side parameters.
///
/// ```swift
/// let name = "banana"
/// try cursor.execute("SELECT quantity FROM inventory WHERE name = \(bind: name)")
/// // PostgreSQL receives `... WHERE name = $1` with "banana" as parameter 1;
/// // SQL Server receives `... WHERE name = @P1` through sp_executesql.
/// ```
///
/// The literal parts are SQL as written; `%` has no special meaning here. Use `\(unsafeRaw:)` only for SQL
/// fragments you control (identifiers you validated), never for user input.
public struct SQLQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// One piece of the query.
    public enum Fragment: Sendable, Hashable {
        /// SQL text, sent as written.
        case sql(String)
        /// A value, sent as a parameter.
        case parameter(SQLValue)
    }

    /// The pieces in order.
    public var fragments: [Fragment]

    /// Creates a query from fragments.
    public init(fragments: [Fragment]) { self.fragments = fragments }

    /// Creates a query with no parameters.
    public init(stringLiteral value: String) { self.fragments = [.sql(value)] }

    /// Creates a query from an interpolated string literal.
    public init(stringInterpolation: StringInterpolation) { self.fragments = stringInterpolation.fragments }

    /// Builds a ``SQLQuery`` from a string literal with `\(bind:)` interpolations.
    public struct StringInterpolation: StringInterpolationProtocol {
        var fragments: [Fragment] = []

        /// Reserves room.
        public init(literalCapacity: Int, interpolationCount: Int) {
            fragments.reserveCapacity(interpolationCount * 2 + 1)
        }

        /// Appends SQL text.
        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { fragments.append(.sql(literal)) }
        }

        /// Appends a value as a server-side parameter.
        public mutating func appendInterpolation(bind value: (any SQLValueEncodable)?) {
            fragments.append(.parameter(value?.sqlValue ?? .null))
        }

        /// Appends SQL text verbatim. Only for fragments you control; never for input from users.
        public mutating func appendInterpolation(unsafeRaw sql: String) {
            fragments.append(.sql(sql))
        }
    }

    /// The statement in a dialect's native placeholder syntax.
    public func bound(for dialect: SQLDialect) -> BoundStatement {
        var sql = ""
        var parameters: [SQLValue] = []
        for fragment in fragments {
            switch fragment {
            case .sql(let text): sql += text
            case .parameter(let value):
                parameters.append(value)
                sql += dialect.placeholder(parameters.count)
            }
        }
        return BoundStatement(sql: sql, parameters: parameters)
    }
}
