extension TSQLRewriter {
    /// `CAST(expr AS type)` → `CAST(expr AS postgresType)`, typed as the T-SQL target.
    mutating func rewriteCast(
        _ name: TSQLToken, arguments: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> RewrittenExpression {
        var depth = 0
        var asIndex: Int?
        for index in arguments.indices {
            let token = arguments[index]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0, token.isWord("AS") { asIndex = index }
        }
        guard let asIndex, asIndex > arguments.startIndex else { throw .incorrectSyntax(near: name) }
        var cursor = TSQLTokenCursor(tokens: arguments[(asIndex + 1)...])
        let type = try cursor.readType(defaultLength: 30)
        guard cursor.isAtEnd else { throw cursor.syntaxError() }
        let source = arguments[arguments.startIndex..<asIndex]
        let expression = try rewrite(source)
        if let checked = try checkedCast(source, expression: expression, to: type, at: name) {
            return RewrittenExpression(sql: checked, typeHint: type)
        }
        return RewrittenExpression(sql: Self.cast(expression, to: type), typeHint: type)
    }

    /// `CONVERT(type, expr[, style])`: a cast, or `to_char` for the common date styles to a string type.
    mutating func rewriteConvert(
        _ name: TSQLToken, arguments: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> RewrittenExpression {
        let parts = Self.splitAtCommas(arguments)
        guard parts.count == 2 || parts.count == 3 else { throw .incorrectSyntax(near: name) }
        var cursor = TSQLTokenCursor(tokens: parts[0])
        let type = try cursor.readType(defaultLength: 30)
        guard cursor.isAtEnd else { throw cursor.syntaxError() }
        let expression = try rewrite(parts[1])
        if let checked = try checkedCast(parts[1], expression: expression, to: type, at: name) {
            return RewrittenExpression(sql: checked, typeHint: type)
        }
        guard parts.count == 3 else { return RewrittenExpression(sql: Self.cast(expression, to: type), typeHint: type) }
        guard parts[2].count == 1, let styleToken = parts[2].first, styleToken.kind == .number,
            let style = Int(styleToken.text)
        else { throw .unsupported("CONVERT with a non-literal style", line: name.line) }
        switch type {
        case .char, .varchar, .nchar, .nvarchar:
            guard let format = Self.dateStyles[style] else {
                if style == 0 { return RewrittenExpression(sql: Self.cast(expression, to: type), typeHint: type) }
                throw .unsupported("CONVERT style \(style)", line: name.line)
            }
            return RewrittenExpression(
                sql: Self.cast("to_char(\(expression), '\(format)')", to: type), typeHint: type)
        default:
            guard style == 0 || Self.dateStyles[style] != nil else {
                throw .unsupported("CONVERT style \(style)", line: name.line)
            }
            return RewrittenExpression(sql: Self.cast(expression, to: type), typeHint: type)
        }
    }

    /// The ISO/ODBC styles whose PostgreSQL `to_char` format is exact.
    static let dateStyles: [Int: String] = [
        20: "YYYY-MM-DD HH24:MI:SS", 120: "YYYY-MM-DD HH24:MI:SS", 21: "YYYY-MM-DD HH24:MI:SS.MS",
        121: "YYYY-MM-DD HH24:MI:SS.MS", 23: "YYYY-MM-DD", 126: "YYYY-MM-DD\"T\"HH24:MI:SS.MS", 112: "YYYYMMDD",
        108: "HH24:MI:SS", 8: "HH24:MI:SS", 111: "YYYY/MM/DD", 102: "YYYY.MM.DD", 101: "MM/DD/YYYY",
        103: "DD/MM/YYYY", 104: "DD.MM.YYYY", 110: "MM-DD-YYYY",
    ]

    /// A PostgreSQL cast to the storage type of `type` (rounding `datetime`/`smalldatetime` as SQL Server does).
    static func cast(_ expression: String, to type: TSQLType) -> String {
        switch type {
        case .smalldatetime:
            return
                "CAST(date_trunc('minute', CAST(\(expression) AS timestamp) + INTERVAL '30 seconds') AS timestamp(0))"
        case .datetimeoffset:
            return "tds_sandbox.dto(CAST((\(expression)) AS text))"
        case .bit:
            // SQL Server: any non-zero number (and 'TRUE') is 1, zero (and 'FALSE') is 0, NULL stays NULL.
            return "(CAST((\(expression)) AS text) NOT IN ('0', 'false', 'False', 'FALSE', 'f'))"
        default:
            return "CAST(\(expression) AS \(type.postgresStorageType))"
        }
    }
}
