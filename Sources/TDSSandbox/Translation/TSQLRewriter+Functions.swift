import SQLLexing

/// A rewritten expression and, when the translator knows it, its T-SQL type.
struct RewrittenExpression {
    var sql: String
    var typeHint: TSQLType?
}

extension TSQLRewriter {
    /// Splits a slice at depth-0 commas.
    static func splitAtCommas(_ tokens: ArraySlice<TSQLToken>) -> [ArraySlice<TSQLToken>] {
        var parts: [ArraySlice<TSQLToken>] = []
        var depth = 0
        var start = tokens.startIndex
        for index in tokens.indices {
            let token = tokens[index]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0, token.isSymbol(",") {
                parts.append(tokens[start..<index])
                start = index + 1
            }
        }
        if start < tokens.endIndex || !parts.isEmpty { parts.append(tokens[start..<tokens.endIndex]) }
        return parts
    }

    /// Rewrites `@@name`.
    mutating func systemVariable(_ token: TSQLToken) throws(SQLServerMessage) -> String {
        switch token.text.uppercased() {
        case "@@ROWCOUNT": return placeholder(name: "@@rowcount", type: .int)
        case "@@TRANCOUNT": return placeholder(name: "@@trancount", type: .int)
        case "@@ERROR": return placeholder(name: "@@error", type: .int)
        case "@@IDENTITY": return "tds_sandbox.last_identity()"
        case "@@VERSION": return "('TDS Sandbox 1.0 (a T-SQL subset translated to PostgreSQL) on ' || version())"
        case "@@SPID": return "pg_backend_pid()"
        case "@@SERVERNAME": return "'tds-sandbox'"
        case "@@SERVICENAME": return "'MSSQLSERVER'"
        case "@@LANGUAGE": return "'us_english'"
        case "@@MAX_PRECISION": return "38"
        case "@@DATEFIRST": return "7"
        case "@@LOCK_TIMEOUT": return "-1"
        case "@@TEXTSIZE": return "2147483647"
        case "@@NESTLEVEL": return "0"
        default: throw .undeclaredVariable(token.text, line: token.line)
        }
    }

    /// Rewrites a function call `name(arguments)`.
    mutating func rewriteFunction(
        _ name: TSQLToken, arguments: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> RewrittenExpression {
        let upper = name.kind == .word ? name.text.uppercased() : ""
        switch upper {
        case "CAST":
            return try rewriteCast(name, arguments: arguments)
        case "CONVERT":
            return try rewriteConvert(name, arguments: arguments)
        case "JSON_VALUE", "JSON_QUERY":
            return try rewriteJSONFunction(name, arguments: arguments)
        case "TRY_CAST", "TRY_CONVERT", "FORMAT", "STR", "PATINDEX", "STUFF", "SOUNDEX", "DIFFERENCE", "PARSE",
            "TRY_PARSE", "CHOOSE", "OPENJSON", "OPENXML", "OPENQUERY", "OPENROWSET", "STRING_SPLIT":
            throw .unsupported(name.text.uppercased(), line: name.line)
        default:
            break
        }
        let parts = Self.splitAtCommas(arguments)
        var args: [String] = []
        for part in parts { args.append(try rewrite(part)) }
        func arity(_ counts: ClosedRange<Int>) throws(SQLServerMessage) {
            guard counts.contains(args.count) else {
                throw SQLServerMessage(
                    number: 174, severity: 15,
                    message: "The \(name.text.lowercased()) function requires \(counts.lowerBound) argument(s).",
                    line: name.line)
            }
        }
        switch upper {
        case "ISNULL":
            try arity(2...2)
            return RewrittenExpression(sql: "COALESCE(\(args[0]), \(args[1]))")
        case "LEN":
            try arity(1...1)
            return RewrittenExpression(sql: "length(rtrim(\(args[0])))", typeHint: .int)
        case "DATALENGTH":
            try arity(1...1)
            return RewrittenExpression(sql: "octet_length(\(args[0]))", typeHint: .int)
        case "GETDATE":
            try arity(0...0)
            return RewrittenExpression(sql: "LOCALTIMESTAMP(3)", typeHint: .datetime)
        case "GETUTCDATE":
            try arity(0...0)
            return RewrittenExpression(sql: "(now() AT TIME ZONE 'UTC')::timestamp(3)", typeHint: .datetime)
        case "SYSDATETIME":
            try arity(0...0)
            return RewrittenExpression(sql: "LOCALTIMESTAMP(6)", typeHint: .datetime2(scale: 7))
        case "SYSUTCDATETIME":
            try arity(0...0)
            return RewrittenExpression(sql: "(now() AT TIME ZONE 'UTC')", typeHint: .datetime2(scale: 7))
        case "SYSDATETIMEOFFSET":
            try arity(0...0)
            return RewrittenExpression(
                sql: "tds_sandbox.dto(CAST(CURRENT_TIMESTAMP AS text))", typeHint: .datetimeoffset(scale: 7))
        case "NEWID":
            try arity(0...0)
            return RewrittenExpression(sql: "gen_random_uuid()", typeHint: .uniqueidentifier)
        case "ERROR_NUMBER", "ERROR_SEVERITY", "ERROR_STATE", "ERROR_LINE":
            try arity(0...0)
            return RewrittenExpression(sql: placeholder(name: "@@" + upper.lowercased(), type: .int), typeHint: .int)
        case "ERROR_MESSAGE", "ERROR_PROCEDURE":
            try arity(0...0)
            return RewrittenExpression(
                sql: placeholder(name: "@@" + upper.lowercased(), type: .nvarchar(4000)), typeHint: .nvarchar(4000))
        case "XACT_STATE":
            try arity(0...0)
            return RewrittenExpression(sql: placeholder(name: "@@xact_state", type: .smallint), typeHint: .smallint)
        case "SCOPE_IDENTITY":
            try arity(0...0)
            return RewrittenExpression(sql: "tds_sandbox.last_identity()", typeHint: .decimal(precision: 38, scale: 0))
        case "OBJECT_ID":
            try arity(1...2)
            guard let literal = parts[0].first, parts[0].count == 1, case .string = literal.kind else {
                throw .unsupported("OBJECT_ID with a non-literal name", line: name.line)
            }
            let regclass = Self.literal(Self.postgresObjectName(literal.text))
            return RewrittenExpression(sql: "(to_regclass(\(regclass))::oid::integer)", typeHint: .int)
        case "TYPE_NAME":
            try arity(1...1)
            return RewrittenExpression(sql: "tds_sandbox.type_name(\(args[0]))", typeHint: .nvarchar(128))
        case "IIF":
            try arity(3...3)
            return RewrittenExpression(sql: "(CASE WHEN \(args[0]) THEN \(args[1]) ELSE \(args[2]) END)")
        case "CHARINDEX":
            try arity(2...2)
            return RewrittenExpression(sql: "strpos(\(args[1]), \(args[0]))", typeHint: .int)
        case "COUNT":
            return RewrittenExpression(sql: "CAST(count(\(args.joined(separator: ", "))) AS integer)", typeHint: .int)
        case "COUNT_BIG":
            return RewrittenExpression(sql: "count(\(args.joined(separator: ", ")))", typeHint: .bigint)
        case "LOG":
            try arity(1...1)
            return RewrittenExpression(sql: "ln(\(args[0]))", typeHint: .float)
        case "LOG10":
            try arity(1...1)
            return RewrittenExpression(sql: "log(\(args[0]))", typeHint: .float)
        case "RAND":
            return RewrittenExpression(sql: "random()", typeHint: .float)
        case "SQUARE":
            try arity(1...1)
            return RewrittenExpression(sql: "power(\(args[0]), 2)", typeHint: .float)
        case "ATN2":
            try arity(2...2)
            return RewrittenExpression(sql: "atan2(\(args[0]), \(args[1]))", typeHint: .float)
        case "REPLICATE":
            try arity(2...2)
            return RewrittenExpression(sql: "repeat(\(args[0]), \(args[1]))")
        case "SPACE":
            try arity(1...1)
            return RewrittenExpression(sql: "repeat(' ', \(args[0]))")
        case "YEAR", "MONTH", "DAY":
            try arity(1...1)
            return RewrittenExpression(sql: "CAST(extract(\(upper) FROM \(args[0])) AS integer)", typeHint: .int)
        case "DATEADD":
            try arity(3...3)
            let unit = try Self.datePart(parts[0], at: name)
            return RewrittenExpression(sql: "(\(args[2]) + (\(args[1])) * INTERVAL '1 \(unit)')")
        case "DATEPART":
            try arity(2...2)
            let unit = try Self.datePart(parts[0], at: name)
            guard unit != "millisecond", unit != "microsecond" else {
                throw .unsupported("DATEPART(\(unit), …)", line: name.line)
            }
            let field =
                unit == "day" && parts[0].first?.keyword.map({ ["DAYOFYEAR", "DY", "Y"].contains($0) }) == true
                ? "doy" : unit
            return RewrittenExpression(sql: "CAST(extract(\(field) FROM \(args[1])) AS integer)", typeHint: .int)
        case "DATEDIFF":
            try arity(3...3)
            let unit = try Self.datePart(parts[0], at: name)
            return RewrittenExpression(sql: Self.dateDiff(unit, args[1], args[2]), typeHint: .int)
        default:
            if let known = try rewriteIntrospectionFunction(upper, name: name, parts: parts, args: args) {
                return known
            }
            let function = name.kind == .word ? name.text.lowercased() : Self.identifier(name)
            return RewrittenExpression(sql: "\(function)(\(args.joined(separator: ", ")))")
        }
    }

    /// A T-SQL object name in a string (`'dbo.t'`, `'[SalesLT].[Product]'`) as a PostgreSQL qualified name.
    static func postgresObjectName(_ text: String) -> String {
        guard let tokens = try? TSQLTokenizer.tokenize(text) else { return text.lowercased() }
        let names = tokens.filter(\.isIdentifier)
        var parts = names.map { identifier($0) }
        // tempdb..#t (or tempdb.dbo.#t) names a temporary table, which lives in the session's pg_temp schema.
        if parts.count >= 2, names.first?.text.lowercased() == "tempdb", let last = names.last, last.text.hasPrefix("#")
        {
            return identifier(last)
        }
        if parts.count == 3 { parts.removeFirst() }
        if parts.count == 2, parts[0] == "dbo" { parts[0] = "public" }
        return parts.joined(separator: ".")
    }

    private static func datePart(_ tokens: ArraySlice<TSQLToken>, at name: TSQLToken) throws(SQLServerMessage) -> String
    {
        guard tokens.count == 1, let word = tokens.first?.keyword else { throw .incorrectSyntax(near: name) }
        switch word {
        case "YEAR", "YY", "YYYY": return "year"
        case "MONTH", "MM", "M": return "month"
        case "DAY", "DD", "D", "DAYOFYEAR", "DY", "Y": return "day"
        case "WEEK", "WK", "WW": return "week"
        case "HOUR", "HH": return "hour"
        case "MINUTE", "MI", "N": return "minute"
        case "SECOND", "SS", "S": return "second"
        case "MILLISECOND", "MS": return "millisecond"
        case "MICROSECOND", "MCS": return "microsecond"
        default: throw .unsupported("date part \(word)", line: name.line)
        }
    }

    /// DATEDIFF counts unit boundaries crossed, as SQL Server does.
    private static func dateDiff(_ unit: String, _ start: String, _ end: String) -> String {
        switch unit {
        case "year":
            return "CAST(extract(year FROM \(end)) - extract(year FROM \(start)) AS integer)"
        case "month":
            return "CAST((extract(year FROM \(end)) - extract(year FROM \(start))) * 12 + extract(month FROM \(end))"
                + " - extract(month FROM \(start)) AS integer)"
        case "day":
            return "(CAST(\(end) AS date) - CAST(\(start) AS date))"
        case "week":
            return "CAST(floor((CAST(\(end) AS date) - CAST(\(start) AS date)) / 7.0) AS integer)"
        default:
            let seconds =
                ["hour": "3600", "minute": "60", "second": "1", "millisecond": "0.001", "microsecond": "0.000001"][unit]
                ?? "1"
            return "CAST(floor(extract(epoch FROM date_trunc('\(unit)', CAST(\(end) AS timestamp)) - "
                + "date_trunc('\(unit)', CAST(\(start) AS timestamp))) / \(seconds)) AS integer)"
        }
    }
}
