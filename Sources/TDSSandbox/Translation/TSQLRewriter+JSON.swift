extension TSQLRewriter {
    /// `JSON_VALUE(expr, path)` and `JSON_QUERY(expr, path)` on PostgreSQL's jsonpath (whose lax-mode syntax,
    /// `$.a."b"[0]`, is SQL Server's): JSON_VALUE gives a scalar as text (NULL for an object or array), JSON_QUERY an
    /// object or array as JSON text (NULL for a scalar), as in SQL Server's lax mode.
    mutating func rewriteJSONFunction(
        _ name: TSQLToken, arguments: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> RewrittenExpression {
        let parts = Self.splitAtCommas(arguments)
        guard parts.count == 2 else {
            throw SQLServerMessage(
                number: 174, severity: 15,
                message: "The \(name.text.lowercased()) function requires 2 argument(s).", line: name.line)
        }
        let document = try rewrite(parts[0])
        let path = try rewrite(parts[1])
        let found = "jsonb_path_query_first(CAST((\(document)) AS jsonb), CAST((\(path)) AS jsonpath))"
        if name.isWord("JSON_QUERY") {
            return RewrittenExpression(
                sql: "(CASE WHEN jsonb_typeof(\(found)) IN ('object', 'array') THEN CAST(\(found) AS text) END)")
        }
        return RewrittenExpression(
            sql: "(CASE WHEN jsonb_typeof(\(found)) NOT IN ('object', 'array') THEN \(found) #>> '{}' END)")
    }
}
