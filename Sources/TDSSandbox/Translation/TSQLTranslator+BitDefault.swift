extension TSQLTranslator {
    /// A column definition's `DEFAULT 0` / `DEFAULT ((1))` on a bit column as `DEFAULT FALSE` / `TRUE`: T-SQL's bit
    /// takes integer constants (SQL Server's own scripts and ORMs write bit defaults so), PostgreSQL's boolean takes
    /// none. Other defaults are left as they are.
    static func booleanDefaults(_ tokens: [TSQLToken]) -> [TSQLToken] {
        var result: [TSQLToken] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            result.append(token)
            index += 1
            guard token.isWord("DEFAULT") else { continue }
            var opened = 0
            var literalIndex = index
            while literalIndex < tokens.count, tokens[literalIndex].isSymbol("(") {
                opened += 1
                literalIndex += 1
            }
            guard literalIndex < tokens.count, let literal = booleanLiteral(tokens[literalIndex...literalIndex])
            else { continue }
            var end = literalIndex + 1
            var closed = 0
            while closed < opened, end < tokens.count, tokens[end].isSymbol(")") {
                closed += 1
                end += 1
            }
            guard closed == opened else { continue }
            result.append(TSQLToken(kind: literal.kind, text: literal.text, line: literal.line, spaceBefore: true))
            index = end
        }
        return result
    }
}
