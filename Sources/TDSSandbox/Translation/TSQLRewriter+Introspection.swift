/// The functions client libraries call at connect and during introspection: `SERVERPROPERTY`, `SCHEMA_NAME`,
/// `SCHEMA_ID`, `DB_ID`, `DB_NAME`, `OBJECT_NAME`, `USER_NAME`, `SUSER_SNAME`/`SUSER_NAME`, `ORIGINAL_LOGIN`,
/// `APP_NAME`. They call helpers of schema `tds_sandbox` (``SandboxCatalog/installIntrospection(_:)``); the
/// current database's T-SQL name (which may be the alias `master` or `tempdb`) is an engine-bound value.
extension TSQLRewriter {
    /// `SERVERPROPERTY` properties whose value is a number (SQL Server returns them as `int` in a sql_variant).
    static let integerServerProperties: Set<String> = [
        "engineedition", "isclustered", "isfulltextinstalled", "isintegratedsecurityonly", "issingleuser",
        "ishadrenabled", "isxtpsupported", "ispolybaseinstalled", "isadvancedanalyticsinstalled", "processid",
        "lcid", "sqlcharset", "sqlsortorder", "collationid", "filestreamconfiguredlevel", "filestreameffectivelevel",
    ]

    /// The rewritten call, or `nil` when `upper` is not one of these functions.
    mutating func rewriteIntrospectionFunction(
        _ upper: String, name: TSQLToken, parts: [ArraySlice<TSQLToken>], args: [String]
    ) throws(SQLServerMessage) -> RewrittenExpression? {
        func arity(_ counts: ClosedRange<Int>) throws(SQLServerMessage) {
            guard counts.contains(args.count) else {
                throw SQLServerMessage(
                    number: 174, severity: 15,
                    message: "The \(name.text.lowercased()) function requires \(counts.lowerBound) argument(s).",
                    line: name.line)
            }
        }
        let name128 = TSQLType.nvarchar(128)
        switch upper {
        case "SERVERPROPERTY":
            try arity(1...1)
            let call = "tds_sandbox.serverproperty(CAST(\(args[0]) AS text))"
            if let literal = parts[0].first, parts[0].count == 1, case .string = literal.kind,
                Self.integerServerProperties.contains(literal.text.lowercased())
            {
                return RewrittenExpression(sql: "CAST(\(call) AS integer)", typeHint: .int)
            }
            return RewrittenExpression(sql: "CAST(\(call) AS varchar(128))", typeHint: name128)
        case "SCHEMA_NAME":
            try arity(0...1)
            guard let id = args.first else {
                return RewrittenExpression(sql: "CAST('dbo' AS varchar(128))", typeHint: name128)
            }
            return RewrittenExpression(sql: "tds_sandbox.schema_name_of(CAST(\(id) AS integer))", typeHint: name128)
        case "SCHEMA_ID":
            try arity(0...1)
            guard let schema = args.first else { return RewrittenExpression(sql: "1", typeHint: .int) }
            return RewrittenExpression(sql: "tds_sandbox.schema_id_of(CAST(\(schema) AS text))", typeHint: .int)
        case "DB_ID":
            try arity(0...1)
            let database = args.first.map { "CAST(\($0) AS text)" } ?? currentDatabaseName()
            return RewrittenExpression(sql: "tds_sandbox.db_id_of(\(database))", typeHint: .smallint)
        case "DB_NAME":
            try arity(0...1)
            guard let id = args.first else { return RewrittenExpression(sql: currentDatabaseName(), typeHint: name128) }
            return RewrittenExpression(sql: "tds_sandbox.db_name_of(CAST(\(id) AS integer))", typeHint: name128)
        case "OBJECT_NAME":
            try arity(1...2)
            return RewrittenExpression(
                sql: "tds_sandbox.object_name_of(CAST(\(args[0]) AS integer))", typeHint: name128)
        case "USER_NAME":
            try arity(0...1)
            let id = args.first.map { "CAST(\($0) AS integer)" } ?? "NULL"
            return RewrittenExpression(sql: "tds_sandbox.user_name_of(\(id))", typeHint: name128)
        case "SUSER_SNAME", "SUSER_NAME", "ORIGINAL_LOGIN":
            try arity(0...0)
            return RewrittenExpression(sql: "CAST(session_user AS varchar(128))", typeHint: name128)
        case "APP_NAME":
            try arity(0...0)
            return RewrittenExpression(
                sql: "CAST(current_setting('application_name') AS varchar(128))", typeHint: name128)
        default:
            return nil
        }
    }

    /// The current database's T-SQL name, bound by the engine (it may be `master` or `tempdb`, aliases of the
    /// login's PostgreSQL database).
    mutating func currentDatabaseName() -> String {
        placeholder(name: "@@db_name", type: .nvarchar(128))
    }
}
