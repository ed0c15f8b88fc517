extension TSQLTranslator {
    /// The columns of a table (by its PostgreSQL name), from a CREATE TABLE earlier in the batch or the resolver.
    mutating func tableColumns(_ table: String) -> [CatalogColumn]? {
        if let known = knownTables[table] { return known }
        guard let resolver = columnResolver, let columns = resolver(table) else { return nil }
        knownTables[table] = columns
        return columns
    }

    /// `0`/`1` as a PostgreSQL boolean literal token, or `nil` when `item` is something else.
    private static func booleanLiteral(_ item: ArraySlice<TSQLToken>) -> TSQLToken? {
        guard item.count == 1, let token = item.first, token.kind == .number, token.text == "0" || token.text == "1"
        else { return nil }
        return TSQLToken(kind: .word, text: token.text == "1" ? "TRUE" : "FALSE", line: token.line, spaceBefore: token.spaceBefore)
    }

    /// Whether the tokens hold a bare `0` or `1` (the only case worth a catalog lookup).
    private static func hasZeroOrOne(_ tokens: ArraySlice<TSQLToken>) -> Bool {
        tokens.contains { $0.kind == .number && ($0.text == "0" || $0.text == "1") }
    }

    /// `INSERT … VALUES (…, 1, …)`: the literals 0 and 1 written to `bit` columns become FALSE/TRUE, since
    /// PostgreSQL's boolean accepts no integers (T-SQL's bit does).
    mutating func bitValues(
        _ values: ArraySlice<TSQLToken>, table: String, columnNames: [String]?
    ) -> ArraySlice<TSQLToken> {
        guard values.first?.isWord("VALUES") == true, Self.hasZeroOrOne(values), let columns = tableColumns(table),
            columns.contains(where: { $0.type == .bit })
        else { return values }
        let names = columnNames ?? columns.map { $0.name.lowercased() }
        let bitNames = Set(columns.filter { $0.type == .bit }.map { $0.name.lowercased() })
        var output = [values[values.startIndex]]
        var index = values.startIndex + 1
        while index < values.endIndex {
            let token = values[index]
            guard token.isSymbol("("), let end = try? TSQLTokenCursor(tokens: values).matchingParenthesis(from: index) else {
                output.append(token)
                index += 1
                continue
            }
            output.append(token)
            let items = TSQLRewriter.splitAtCommas(values[(index + 1)..<(end - 1)])
            for (position, item) in items.enumerated() {
                if position > 0 { output.append(TSQLToken(kind: .symbol, text: ",", line: token.line, spaceBefore: false)) }
                if position < names.count, bitNames.contains(names[position]), let literal = Self.booleanLiteral(item) {
                    output.append(literal)
                } else {
                    output.append(contentsOf: item)
                }
            }
            output.append(values[end - 1])
            index = end
        }
        return output[...]
    }

    /// `UPDATE t SET flag = 1`: as ``bitValues(_:table:columnNames:)`` for the SET list.
    mutating func bitAssignments(_ body: ArraySlice<TSQLToken>, table: String) -> ArraySlice<TSQLToken> {
        guard Self.hasZeroOrOne(body), let columns = tableColumns(table), columns.contains(where: { $0.type == .bit })
        else { return body }
        let bitNames = Set(columns.filter { $0.type == .bit }.map { $0.name.lowercased() })
        var output = Array(body)
        var index = 0
        while index + 2 < output.count {
            if output[index].isIdentifier, bitNames.contains(output[index].text.lowercased()),
                output[index + 1].isSymbol("="), index + 3 == output.count || output[index + 3].isSymbol(",")
                    || output[index + 3].keyword.map({ ["WHERE", "OUTPUT", "FROM", "OPTION"].contains($0) }) == true,
                index == 0 || !output[index - 1].isSymbol("."),
                let literal = Self.booleanLiteral(output[(index + 2)...(index + 2)])
            {
                output[index + 2] = literal
            }
            index += 1
        }
        return output[...]
    }
}
