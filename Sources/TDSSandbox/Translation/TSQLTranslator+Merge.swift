extension TSQLTranslator {
    /// The upsert form of `MERGE` (what SQLKit's SQL Server dialect sends), as PostgreSQL's
    /// `INSERT … ON CONFLICT`:
    ///
    /// ```
    /// MERGE [INTO] t [WITH (hints)] [AS a] USING (VALUES (…), …) AS s (c1, c2, …)
    ///     ON t.k = s.k [AND …]
    ///     [WHEN MATCHED [AND condition] THEN UPDATE SET …]
    ///     WHEN NOT MATCHED [BY TARGET] THEN INSERT (c1, c2, …) VALUES (s.c1, s.c2, …)
    ///     [OUTPUT INSERTED.…];
    /// ```
    ///
    /// becomes `INSERT INTO t (c1, …) VALUES … ON CONFLICT (k, …) DO UPDATE SET … [WHERE condition] | DO NOTHING
    /// [RETURNING …]`, with the source alias read as `EXCLUDED`. PostgreSQL needs a unique constraint or index on
    /// exactly the ON columns (otherwise the statement fails, where SQL Server would match rows without one). Any
    /// other MERGE (a table or query as source, DELETE actions, WHEN NOT MATCHED BY SOURCE, conditions other than
    /// column equalities) → 40517.
    mutating func translateMerge(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action
    {
        let line = tokens.first?.line ?? 1
        func unsupported(_ what: String) -> SQLServerMessage { .unsupported("MERGE " + what, line: line) }
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst())
        _ = cursor.skip(word: "INTO")
        let targetTokens = try cursor.readQualifiedName()
        if cursor.current?.isWord("WITH") == true, TSQLRewriter.isTableHint(tokens, after: cursor.position) {
            cursor.position = try cursor.matchingParenthesis(from: cursor.position + 1)
        }
        var targetAlias = targetTokens.last?.text.lowercased() ?? ""
        if cursor.skip(word: "AS") {
            guard let alias = cursor.next(), alias.isIdentifier else { throw cursor.syntaxError() }
            targetAlias = alias.text.lowercased()
        }
        try cursor.expect(word: "USING")
        guard cursor.current?.isSymbol("(") == true, cursor.peek(1)?.isWord("VALUES") == true else {
            throw unsupported("with a table or query as its source (only USING (VALUES …))")
        }
        let valuesEnd = try cursor.matchingParenthesis(from: cursor.position)
        let values = tokens[(cursor.position + 2)..<(valuesEnd - 1)]
        cursor.position = valuesEnd
        _ = cursor.skip(word: "AS")
        guard let sourceAlias = cursor.next(), sourceAlias.isIdentifier, cursor.current?.isSymbol("(") == true else {
            throw unsupported("without a source alias and column list")
        }
        let columnsEnd = try cursor.matchingParenthesis(from: cursor.position)
        let sourceColumns = tokens[(cursor.position + 1)..<(columnsEnd - 1)]
        let columnNames = TSQLRewriter.splitAtCommas(sourceColumns).map { $0.last?.text.lowercased() ?? "" }
        cursor.position = columnsEnd
        try cursor.expect(word: "ON")
        let onEnd = Self.clauseEnd(tokens, from: cursor.position, at: ["WHEN"])
        let keys = try conflictKeys(
            tokens[cursor.position..<onEnd], source: sourceAlias.text.lowercased(),
            target: targetAlias, unsupported: unsupported)
        cursor.position = onEnd

        var update: ArraySlice<TSQLToken>?
        var condition: ArraySlice<TSQLToken>?
        var inserts = false
        var output: ArraySlice<TSQLToken>?
        while cursor.skip(word: "WHEN") {
            let clauseEnd = Self.clauseEnd(tokens, from: cursor.position, at: ["WHEN", "OUTPUT"])
            let clause = tokens[cursor.position..<clauseEnd]
            if clause.first?.isWord("MATCHED") == true {
                guard let then = clause.firstIndex(where: { $0.isWord("THEN") }),
                    then + 2 < clause.endIndex, clause[then + 1].isWord("UPDATE"), clause[then + 2].isWord("SET")
                else { throw unsupported("WHEN MATCHED with an action other than UPDATE SET") }
                if clause[clause.startIndex + 1].isWord("AND") { condition = clause[(clause.startIndex + 2)..<then] }
                update = clause[(then + 3)...]
            } else if clause.first?.isWord("NOT") == true, clause.dropFirst().first?.isWord("MATCHED") == true {
                if clause.contains(where: { $0.isWord("SOURCE") }) { throw unsupported("WHEN NOT MATCHED BY SOURCE") }
                guard let then = clause.firstIndex(where: { $0.isWord("THEN") }), clause[then + 1].isWord("INSERT")
                else { throw unsupported("WHEN NOT MATCHED with an action other than INSERT") }
                try checkInsert(
                    clause[(then + 2)...], columns: columnNames, source: sourceAlias.text.lowercased(),
                    unsupported: unsupported)
                inserts = true
            } else {
                throw cursor.syntaxError()
            }
            cursor.position = clauseEnd
        }
        guard inserts else { throw unsupported("without WHEN NOT MATCHED THEN INSERT") }
        if cursor.skip(word: "OUTPUT") {
            output = tokens[cursor.position...]
            cursor.position = tokens.endIndex
        }
        guard cursor.isAtEnd else { throw cursor.syntaxError() }

        // The INSERT part goes through the ordinary INSERT translation (values adapted to the column types).
        let insertTokens =
            [TSQLToken(kind: .word, text: "INSERT", line: line, spaceBefore: false)]
            + Array(targetTokens) + [TSQLToken(kind: .symbol, text: "(", line: line, spaceBefore: true)]
            + Array(sourceColumns) + [
                TSQLToken(kind: .symbol, text: ")", line: line, spaceBefore: false),
                TSQLToken(kind: .word, text: "VALUES", line: line, spaceBefore: true),
            ]
            + Array(values)
        guard case .query(let insert, _) = try translateInsert(insertTokens[...]) else { throw cursor.syntaxError() }
        var rewriter = TSQLRewriter(variables: variables)
        rewriter.parameters = insert.parameters
        var sql = insert.sql + " ON CONFLICT (" + keys.joined(separator: ", ") + ")"
        let excluded = TSQLToken(kind: .word, text: "EXCLUDED", line: line, spaceBefore: false)
        func renamed(_ part: ArraySlice<TSQLToken>) -> ArraySlice<TSQLToken> {
            part.map {
                $0.isIdentifier && $0.text.caseInsensitiveEquals(sourceAlias.text)
                    ? TSQLToken(kind: .word, text: excluded.text, line: $0.line, spaceBefore: $0.spaceBefore) : $0
            }[...]
        }
        if let update {
            sql += " DO UPDATE SET " + (try rewriter.rewrite(renamed(update)))
            if let condition { sql += " WHERE " + (try rewriter.rewrite(renamed(condition))) }
        } else {
            sql += " DO NOTHING"
        }
        var columns: [OutputColumn] = []
        if let output {
            let (list, outputColumns) = try outputClause(output, allowed: "INSERTED", rewriter: &rewriter)
            sql += " RETURNING " + list
            columns = outputColumns
        }
        return .query(PostgresQuery(sql: sql, parameters: rewriter.parameters, columns: columns), .dml)
    }

    /// The key columns of `t.k = s.k [AND …]` (either side may name the source).
    private func conflictKeys(
        _ condition: ArraySlice<TSQLToken>, source: String, target: String,
        unsupported: (String) -> SQLServerMessage
    ) throws(SQLServerMessage) -> [String] {
        var keys: [String] = []
        var parts: [[TSQLToken]] = [[]]
        for token in condition {
            if token.isWord("AND") { parts.append([]) } else { parts[parts.count - 1].append(token) }
        }
        for part in parts {
            // alias . column = alias . column
            guard part.count == 7, part[1].isSymbol("."), part[3].isSymbol("="), part[5].isSymbol("."),
                part[2].text.caseInsensitiveEquals(part[6].text),
                Set([part[0].text.lowercased(), part[4].text.lowercased()]).contains(source)
            else { throw unsupported("with an ON condition other than equal key columns") }
            keys.append(TSQLRewriter.identifier(part[2]))
        }
        return keys
    }

    /// Checks that `(c1, …) VALUES (s.c1, …)` inserts the source row as it is.
    private func checkInsert(
        _ insert: ArraySlice<TSQLToken>, columns: [String], source: String, unsupported: (String) -> SQLServerMessage
    ) throws(SQLServerMessage) {
        let cursor = TSQLTokenCursor(tokens: insert)
        guard insert.first?.isSymbol("(") == true else { throw unsupported("INSERT without a column list") }
        let end = try cursor.matchingParenthesis(from: insert.startIndex)
        let inserted = TSQLRewriter.splitAtCommas(insert[(insert.startIndex + 1)..<(end - 1)]).map {
            $0.last?.text.lowercased() ?? ""
        }
        guard end + 1 < insert.endIndex, insert[end].isWord("VALUES"), insert[end + 1].isSymbol("(") else {
            throw unsupported("INSERT without VALUES")
        }
        let valuesEnd = try cursor.matchingParenthesis(from: end + 1)
        let values = TSQLRewriter.splitAtCommas(insert[(end + 2)..<(valuesEnd - 1)]).map { item in
            item.count == 3 && item.first!.text.lowercased() == source && item[item.startIndex + 1].isSymbol(".")
                ? item.last!.text.lowercased() : nil
        }
        guard inserted == columns, values == columns.map(Optional.some), valuesEnd == insert.endIndex else {
            throw unsupported("WHEN NOT MATCHED THEN INSERT of anything but the source row, column for column")
        }
    }
}
