extension TSQLTranslator {
    /// The temporary table that holds the table variable `name` (`@t` → `#@t`).
    static func tableVariableTable(_ name: String) -> String { "#" + name.lowercased() }

    /// Table variables (`DECLARE @t TABLE (…)`): every later `@t` of the batch becomes the temporary table `#@t`
    /// (as a quoted identifier), so `INSERT INTO @t`, `SELECT … FROM @t`, joins, `UPDATE`/`DELETE` work as on any
    /// table. The `@t` right after `DECLARE` stays a variable for ``translateTableVariable(_:definition:)``.
    static func withTableVariables(_ tokens: [TSQLToken]) -> [TSQLToken] {
        var names: Set<String> = []
        for index in tokens.indices where tokens[index].kind == .variable && index > 0 {
            var next = index + 1
            if next < tokens.count, tokens[next].isWord("AS") { next += 1 }
            guard next < tokens.count, tokens[next].isWord("TABLE") else { continue }
            let previous = tokens[index - 1]
            if previous.isWord("DECLARE") || previous.isSymbol(",") { names.insert(tokens[index].text.lowercased()) }
        }
        guard !names.isEmpty else { return tokens }
        return tokens.indices.map { index in
            let token = tokens[index]
            guard token.kind == .variable, names.contains(token.text.lowercased()) else { return token }
            if index > 0, tokens[index - 1].isWord("DECLARE") || tokens[index - 1].isSymbol(",") {
                var next = index + 1
                if next < tokens.count, tokens[next].isWord("AS") { next += 1 }
                if next < tokens.count, tokens[next].isWord("TABLE") { return token }
            }
            return TSQLToken(
                kind: .quotedIdentifier, text: tableVariableTable(token.text), line: token.line,
                spaceBefore: token.spaceBefore)
        }
    }

    /// `DECLARE @t TABLE (columns…)`: a fresh temporary table `#@t` (one left by an earlier batch of the session is
    /// dropped first, as a table variable starts empty in each batch).
    mutating func translateTableVariable(
        _ variable: TSQLToken, definition: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> [TranslatedStatement] {
        let name = TSQLToken(
            kind: .quotedIdentifier, text: Self.tableVariableTable(variable.text), line: variable.line,
            spaceBefore: true)
        func word(_ text: String) -> TSQLToken {
            TSQLToken(kind: .word, text: text, line: variable.line, spaceBefore: true)
        }
        let drop = TranslatedStatement(
            line: variable.line,
            action: .query(PostgresQuery(sql: "DROP TABLE IF EXISTS " + TSQLRewriter.identifier(name)), .silent))
        let create = try translateSimple(([word("CREATE"), word("TABLE"), name] + Array(definition))[...])
        return [drop] + create
    }
}
