extension TSQLRewriter {
    /// Keywords that end a select list.
    static let selectListEnd: Set<String> = [
        "FROM", "INTO", "WHERE", "GROUP", "HAVING", "ORDER", "UNION", "EXCEPT", "INTERSECT", "OPTION", "FOR",
    ]

    /// Rewrites a query that starts with `SELECT` or `WITH` (a CTE).
    mutating func rewriteQuery(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> (sql: String, columns: [OutputColumn]) {
        guard let first = tokens.first, first.isWord("WITH") else { return try rewriteSelect(tokens) }
        // WITH name [(columns)] AS (query) [, …] main-statement
        var cursor = TSQLTokenCursor(tokens: tokens)
        _ = cursor.next()
        var output = "WITH"
        while true {
            let name = try cursor.readQualifiedName()
            output += " " + name.map(Self.identifier).joined(separator: ".")
            if cursor.current?.isSymbol("(") == true {
                let end = try cursor.matchingParenthesis(from: cursor.position)
                output += " (" + (try rewrite(tokens[(cursor.position + 1)..<(end - 1)])) + ")"
                cursor.position = end
            }
            try cursor.expect(word: "AS")
            guard cursor.current?.isSymbol("(") == true else { throw cursor.syntaxError() }
            let end = try cursor.matchingParenthesis(from: cursor.position)
            output += " AS (" + (try rewriteQuery(tokens[(cursor.position + 1)..<(end - 1)])).sql + ")"
            cursor.position = end
            if !cursor.skip(symbol: ",") { break }
            output += ","
        }
        guard let main = cursor.current else { throw cursor.syntaxError() }
        if main.isWord("SELECT") {
            let select = try rewriteSelect(tokens[cursor.position...])
            return (output + " " + select.sql, select.columns)
        }
        throw .unsupported("WITH (common table expression) before \(main.text.uppercased())", line: main.line)
    }

    /// Rewrites `SELECT [DISTINCT] [TOP n] list [FROM …]` to the end of `tokens`: TOP becomes LIMIT.
    mutating func rewriteSelect(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> (sql: String, columns: [OutputColumn]) {
        var cursor = TSQLTokenCursor(tokens: tokens)
        guard let select = cursor.next(), select.isWord("SELECT") else { throw cursor.syntaxError() }
        var head = "SELECT"
        if cursor.skip(word: "DISTINCT") { head += " DISTINCT" } else if cursor.skip(word: "ALL") { head += " ALL" }
        var limit: String?
        if let top = cursor.current, top.isWord("TOP") {
            _ = cursor.next()
            limit = try readTop(&cursor, at: top)
        }
        let listStart = cursor.position
        var depth = 0
        var listEnd = tokens.endIndex
        var setOperation = false
        for index in listStart..<tokens.endIndex {
            let token = tokens[index]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            guard depth == 0, let keyword = token.keyword else { continue }
            if listEnd == tokens.endIndex, Self.selectListEnd.contains(keyword) { listEnd = index }
            if ["UNION", "EXCEPT", "INTERSECT"].contains(keyword) { setOperation = true }
            if keyword == "INTO", index >= listEnd { throw .unsupported("SELECT … INTO", line: token.line) }
            if keyword == "OPTION" { throw .unsupported("OPTION (query hints)", line: token.line) }
            if keyword == "FOR", index >= listEnd { throw .unsupported("FOR XML / FOR JSON", line: token.line) }
        }
        if let top = tokens[tokens.startIndex..<listStart].first(where: { $0.isWord("TOP") }), setOperation {
            throw .unsupported("TOP with UNION, EXCEPT or INTERSECT", line: top.line)
        }
        guard listStart < listEnd else { throw .incorrectSyntax(near: tokens.last) }
        var items: [String] = []
        var columns: [OutputColumn] = []
        for item in Self.splitAtCommas(tokens[listStart..<listEnd]) {
            let (sql, column) = try rewriteSelectItem(item)
            items.append(sql)
            columns.append(column)
        }
        var sql = head + " " + items.joined(separator: ", ")
        if listEnd < tokens.endIndex { sql += " " + (try rewrite(tokens[listEnd...])) }
        if let limit { sql += " LIMIT " + limit }
        return (sql, columns)
    }

    /// Reads `TOP (expr)` or `TOP n` and returns the rewritten limit.
    mutating func readTop(_ cursor: inout TSQLTokenCursor, at top: TSQLToken) throws(SQLServerMessage) -> String {
        let limit: String
        if cursor.current?.isSymbol("(") == true {
            let end = try cursor.matchingParenthesis(from: cursor.position)
            limit = "(" + (try rewrite(cursor.tokens[(cursor.position + 1)..<(end - 1)])) + ")"
            cursor.position = end
        } else if let count = cursor.current, count.kind == .number || count.kind == .variable {
            limit = count.kind == .number ? count.text : try placeholder(count)
            _ = cursor.next()
        } else {
            throw cursor.syntaxError()
        }
        if cursor.current?.isWord("PERCENT") == true { throw .unsupported("TOP … PERCENT", line: top.line) }
        if cursor.current?.isWord("WITH") == true, cursor.peek(1)?.isWord("TIES") == true {
            throw .unsupported("TOP … WITH TIES", line: top.line)
        }
        return limit
    }

    /// Words that end an expression but are not aliases.
    private static let notAliases: Set<String> = ["END", "NULL", "TRUE", "FALSE"]

    /// Rewrites one select-list item and reports its output name as written and its type when known.
    mutating func rewriteSelectItem(_ item: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> (String, OutputColumn) {
        guard let first = item.first, let last = item.last else { throw .incorrectSyntax(near: nil) }
        if last.isSymbol("*") {
            let prefix = item.dropLast()
            let sql = prefix.isEmpty ? "*" : try rewrite(prefix) + "*"
            return (sql, OutputColumn(name: nil, isStar: true))
        }
        if first.kind == .variable, item.count > 1, item[item.startIndex + 1].isSymbol("=") {
            throw .unsupported("a SELECT that assigns variables and also returns rows", line: first.line)
        }
        var expression = item
        var alias: String?
        if first.isIdentifier || first.isString, item.count > 2, item[item.startIndex + 1].isSymbol("=") {
            alias = first.text
            expression = item.dropFirst(2)
        } else if item.count >= 2, last.isIdentifier || last.isString {
            let previous = item[item.endIndex - 2]
            if previous.isWord("AS") {
                alias = last.text
                expression = item.dropLast(2)
            } else if last.isIdentifier, !Self.notAliases.contains(last.text.uppercased()),
                previous.isSymbol(")") || previous.isIdentifier || previous.kind == .number
                    || previous.isString
            {
                alias = last.text
                expression = item.dropLast()
            }
        }
        let rewritten = try rewriteTyped(expression)
        var name = alias
        if name == nil, let end = expression.last, end.isIdentifier,
            expression.count == 1 || expression[expression.endIndex - 2].isSymbol(".")
        {
            name = end.text
        }
        let sql = alias.map { rewritten.sql + " AS " + Self.quote($0.lowercased()) } ?? rewritten.sql
        return (sql, OutputColumn(name: name, typeHint: rewritten.typeHint))
    }

    /// Rewrites an expression and reports its type when it is a typed variable or a function call the
    /// translator types.
    mutating func rewriteTyped(_ expression: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> RewrittenExpression {
        guard let first = expression.first else { throw .incorrectSyntax(near: nil) }
        if expression.count == 1, first.kind == .variable {
            return RewrittenExpression(sql: try placeholder(first), typeHint: variables[first.text.lowercased()])
        }
        if first.kind == .word, expression.count >= 3, expression[expression.startIndex + 1].isSymbol("("),
            !Self.nonFunctionKeywords.contains(first.text.uppercased())
        {
            let cursor = TSQLTokenCursor(tokens: expression)
            let end = try cursor.matchingParenthesis(from: expression.startIndex + 1)
            if end == expression.endIndex {
                return try rewriteFunction(first, arguments: expression[(expression.startIndex + 2)..<(end - 1)])
            }
        }
        if expression.count == 1, first.isWord("CURRENT_TIMESTAMP") {
            return RewrittenExpression(sql: "LOCALTIMESTAMP(3)", typeHint: .datetime)
        }
        return RewrittenExpression(sql: try rewrite(expression))
    }
}
