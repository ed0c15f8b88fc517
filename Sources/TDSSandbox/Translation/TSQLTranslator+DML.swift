extension TSQLTranslator {
    /// `INSERT [INTO] t [(cols)] [OUTPUT INSERTED.…] VALUES … | SELECT … | DEFAULT VALUES` → `INSERT INTO … RETURNING`.
    mutating func translateInsert(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var rewriter = TSQLRewriter(variables: variables)
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst())
        if let top = cursor.current, top.isWord("TOP") { throw .unsupported("INSERT TOP", line: top.line) }
        _ = cursor.skip(word: "INTO")
        let target = Self.tableName(try cursor.readQualifiedName())
        var sql = "INSERT INTO " + target.sql
        var columnNames: [String]?
        if cursor.current?.isSymbol("(") == true {
            let end = try cursor.matchingParenthesis(from: cursor.position)
            let list = tokens[(cursor.position + 1)..<(end - 1)]
            columnNames = TSQLRewriter.splitAtCommas(list).map { $0.last?.text.lowercased() ?? "" }
            sql += " (" + (try rewriter.rewrite(list)) + ")"
            cursor.position = end
        }
        var returning: (String, [OutputColumn])?
        if let output = cursor.current, output.isWord("OUTPUT") {
            _ = cursor.next()
            let end = Self.clauseEnd(
                tokens, from: cursor.position, at: ["VALUES", "SELECT", "DEFAULT", "EXEC", "EXECUTE", "WITH"])
            returning = try outputClause(tokens[cursor.position..<end], allowed: "INSERTED", rewriter: &rewriter)
            cursor.position = end
        }
        guard let source = cursor.current else { throw cursor.syntaxError() }
        if source.isWord("EXEC") || source.isWord("EXECUTE") { throw .unsupported("INSERT … EXEC", line: source.line) }
        if source.isWord("SELECT") || source.isWord("WITH") {
            sql += " " + (try rewriter.rewriteQuery(tokens[cursor.position...])).sql
        } else {
            let key = Self.regclassKey(schema: target.schema, name: target.name)
            let values = try adaptValues(tokens[cursor.position...], table: key, columnNames: columnNames)
            sql += " " + (try rewriter.rewrite(values))
        }
        var columns: [OutputColumn] = []
        if let (list, outputColumns) = returning {
            sql += " RETURNING " + list
            columns = outputColumns
        }
        return .query(PostgresQuery(sql: sql, parameters: rewriter.parameters, columns: columns), .dml)
    }

    /// `UPDATE t SET … [OUTPUT INSERTED.…] [FROM …] [WHERE …]` → `UPDATE … RETURNING`.
    mutating func translateUpdate(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var rewriter = TSQLRewriter(variables: variables)
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst())
        if let top = cursor.current, top.isWord("TOP") { throw .unsupported("UPDATE TOP", line: top.line) }
        let target = Self.tableName(try cursor.readQualifiedName())
        guard cursor.current?.isWord("SET") == true else { throw cursor.syntaxError() }
        var body = Array(tokens[cursor.position...])[...]
        var returning: (String, [OutputColumn])?
        var oldValues = false
        if let start = Self.depthZeroIndex(of: "OUTPUT", in: body) {
            let end = Self.clauseEnd(body, from: start + 1, at: ["FROM", "WHERE", "OPTION"])
            if body[(start + 1)..<end].contains(where: { $0.isWord("DELETED") }) {
                returning = try oldAndNewValues(body[(start + 1)..<end], target: target.sql)
                oldValues = true
            } else {
                returning = try outputClause(body[(start + 1)..<end], allowed: "INSERTED", rewriter: &rewriter)
            }
            body = (Array(body[body.startIndex..<start]) + Array(body[end...]))[...]
        }
        if let from = Self.depthZeroIndex(of: "FROM", in: body) {
            throw .unsupported("UPDATE … FROM", line: body[from].line)
        }
        body = try adaptAssignments(body, table: Self.regclassKey(schema: target.schema, name: target.name))
        var sql: String
        if oldValues {
            // The old row comes from a locked self-join on ctid: UPDATE … FROM (SELECT ctid, row …) … RETURNING.
            let whereIndex = Self.depthZeroIndex(of: "WHERE", in: body)
            let setPart = body[body.startIndex..<(whereIndex ?? body.endIndex)]
            let filter =
                try whereIndex.map { index throws(SQLServerMessage) in
                    " " + (try rewriter.rewrite(body[index...]))
                } ?? ""
            sql =
                "UPDATE " + target.sql + " " + (try rewriter.rewrite(setPart))
                + " FROM (SELECT tds_source.ctid AS tds_ctid, tds_source AS tds_old FROM \(target.sql) AS tds_source"
                + filter + " FOR UPDATE) AS tds_deleted WHERE \(target.sql).ctid = tds_deleted.tds_ctid"
        } else {
            sql = "UPDATE " + target.sql + " " + (try rewriter.rewrite(body))
        }
        var columns: [OutputColumn] = []
        if let (list, outputColumns) = returning {
            sql += " RETURNING " + list
            columns = outputColumns
        }
        return .query(PostgresQuery(sql: sql, parameters: rewriter.parameters, columns: columns), .dml)
    }

    /// `DELETE [FROM] t [OUTPUT DELETED.…] [WHERE …]` → `DELETE FROM … RETURNING`.
    func translateDelete(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var rewriter = TSQLRewriter(variables: variables)
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst())
        if let top = cursor.current, top.isWord("TOP") { throw .unsupported("DELETE TOP", line: top.line) }
        _ = cursor.skip(word: "FROM")
        let target = Self.tableName(try cursor.readQualifiedName())
        var returning: (String, [OutputColumn])?
        if let output = cursor.current, output.isWord("OUTPUT") {
            _ = cursor.next()
            let end = Self.clauseEnd(tokens, from: cursor.position, at: ["FROM", "WHERE", "OPTION"])
            returning = try outputClause(tokens[cursor.position..<end], allowed: "DELETED", rewriter: &rewriter)
            cursor.position = end
        }
        if let from = cursor.current, from.isWord("FROM") {
            throw .unsupported("DELETE … FROM … JOIN", line: from.line)
        }
        var sql = "DELETE FROM " + target.sql
        if !cursor.isAtEnd { sql += " " + (try rewriter.rewrite(tokens[cursor.position...])) }
        var columns: [OutputColumn] = []
        if let (list, outputColumns) = returning {
            sql += " RETURNING " + list
            columns = outputColumns
        }
        return .query(PostgresQuery(sql: sql, parameters: rewriter.parameters, columns: columns), .dml)
    }

    /// `SELECT @a = x, @b = y [FROM …]` → an assignment from the query's last row; `nil` if not an assignment.
    func translateSelectAssignment(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> TranslatedStatement.Action? {
        let start = tokens.startIndex + 1
        guard start + 1 < tokens.endIndex, tokens[start].kind == .variable, tokens[start + 1].isSymbol("=") else {
            return nil
        }
        let listEnd = Self.clauseEnd(tokens, from: start, at: TSQLRewriter.selectListEnd)
        var names: [String] = []
        var items: [String] = []
        var rewriter = TSQLRewriter(variables: variables)
        for item in TSQLRewriter.splitAtCommas(tokens[start..<listEnd]) {
            guard item.count > 2, let variable = item.first, variable.kind == .variable,
                item[item.startIndex + 1].isSymbol("=")
            else { throw .incorrectSyntax(near: item.first) }
            guard variables[variable.text.lowercased()] != nil else {
                throw .undeclaredVariable(variable.text, line: variable.line)
            }
            names.append(variable.text.lowercased())
            items.append(try rewriter.rewrite(item.dropFirst(2)))
        }
        var sql = "SELECT " + items.joined(separator: ", ")
        if listEnd < tokens.endIndex { sql += " " + (try rewriter.rewrite(tokens[listEnd...])) }
        return .assign(names: names, query: PostgresQuery(sql: sql, parameters: rewriter.parameters))
    }

    /// `UPDATE … OUTPUT DELETED.x, INSERTED.y [AS alias]`: items of the form `INSERTED.col`, `DELETED.col`,
    /// `INSERTED.*`, `DELETED.*`, as a RETURNING list over the target (new values) and `tds_deleted.tds_old` (old).
    private func oldAndNewValues(
        _ tokens: ArraySlice<TSQLToken>, target: String
    ) throws(SQLServerMessage) -> (String, [OutputColumn]) {
        if let into = Self.depthZeroIndex(of: "INTO", in: tokens) {
            throw .unsupported("OUTPUT … INTO", line: tokens[into].line)
        }
        var items: [String] = []
        var columns: [OutputColumn] = []
        for item in TSQLRewriter.splitAtCommas(tokens) {
            let parts = Array(item)
            guard parts.count >= 3, parts[0].isWord("INSERTED") || parts[0].isWord("DELETED"), parts[1].isSymbol("."),
                parts[2].isIdentifier || parts[2].isSymbol("*")
            else {
                throw .unsupported(
                    "OUTPUT expressions other than INSERTED.column / DELETED.column", line: item.first?.line ?? 1)
            }
            var alias: String?
            if parts.count == 5, parts[3].isWord("AS"), parts[4].isIdentifier || parts[4].isString {
                alias = parts[4].text
            } else if parts.count == 4, parts[3].isIdentifier {
                alias = parts[3].text
            } else if parts.count != 3 {
                throw .unsupported(
                    "OUTPUT expressions other than INSERTED.column / DELETED.column", line: parts[3].line)
            }
            let source = parts[0].isWord("DELETED") ? "(tds_deleted.tds_old)" : target
            if parts[2].isSymbol("*") {
                items.append(source + ".*")
                columns.append(OutputColumn(name: nil, isStar: true))
                continue
            }
            let name = alias ?? parts[2].text
            items.append(
                source + "." + TSQLRewriter.identifier(parts[2]) + " AS " + TSQLRewriter.quote(name.lowercased()))
            columns.append(OutputColumn(name: name))
        }
        return (items.joined(separator: ", "), columns)
    }

    /// An OUTPUT list with its `INSERTED.`/`DELETED.` prefixes removed, as a RETURNING list and its columns.
    func outputClause(
        _ tokens: ArraySlice<TSQLToken>, allowed: String, rewriter: inout TSQLRewriter
    ) throws(SQLServerMessage) -> (String, [OutputColumn]) {
        if let into = Self.depthZeroIndex(of: "INTO", in: tokens) {
            throw .unsupported("OUTPUT … INTO", line: tokens[into].line)
        }
        var items: [String] = []
        var columns: [OutputColumn] = []
        for item in TSQLRewriter.splitAtCommas(tokens) {
            var filtered: [TSQLToken] = []
            var index = item.startIndex
            while index < item.endIndex {
                let token = item[index]
                if token.isWord("INSERTED") || token.isWord("DELETED"), index + 1 < item.endIndex,
                    item[index + 1].isSymbol(".")
                {
                    guard token.isWord(allowed) else {
                        throw .unsupported("OUTPUT \(token.text.uppercased()) here", line: token.line)
                    }
                    index += 2
                    continue
                }
                filtered.append(token)
                index += 1
            }
            let (sql, column) = try rewriter.rewriteSelectItem(filtered[...])
            items.append(sql)
            columns.append(column)
        }
        return (items.joined(separator: ", "), columns)
    }

    /// The index of the first depth-0 word in `keywords` at or after `from`, or the end.
    static func clauseEnd(_ tokens: ArraySlice<TSQLToken>, from: Int, at keywords: Set<String>) -> Int {
        var depth = 0
        for index in from..<tokens.endIndex {
            let token = tokens[index]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0, let keyword = token.keyword, keywords.contains(keyword) { return index }
        }
        return tokens.endIndex
    }

    /// The index of the first depth-0 word `keyword`, if any.
    static func depthZeroIndex(of keyword: String, in tokens: ArraySlice<TSQLToken>) -> Int? {
        let end = clauseEnd(tokens, from: tokens.startIndex, at: [keyword])
        return end < tokens.endIndex ? end : nil
    }
}
