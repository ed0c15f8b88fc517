extension TSQLTranslator {
    /// `RAISERROR ('text' | @v, severity, state) [WITH NOWAIT | LOG]` (message 50000) and
    /// `THROW number, 'text' | @v, state` (severity 16, ends the batch). Format arguments (`%d`, `%s`) are not
    /// supported.
    func translateRaise(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action {
        let verb = tokens.first!
        var body = tokens.dropFirst()
        if verb.isWord("RAISERROR") {
            if let with = Self.depthZeroIndex(of: "WITH", in: body) { body = body[body.startIndex..<with] }
            guard body.first?.isSymbol("(") == true, body.last?.isSymbol(")") == true else {
                throw .incorrectSyntax(near: body.first ?? verb)
            }
            body = body.dropFirst().dropLast()
        }
        if verb.isWord("THROW"), body.isEmpty {
            guard catchDepth > 0 else {
                throw SQLServerMessage(
                    number: 10704, severity: 15,
                    message: "To rethrow an error, a THROW statement must be used inside a CATCH block.",
                    line: verb.line)
            }
            return .rethrow
        }
        let parts = TSQLRewriter.splitAtCommas(body)
        guard parts.count == 3 else {
            if parts.count > 3 { throw .unsupported("RAISERROR with format arguments", line: verb.line) }
            throw .incorrectSyntax(near: body.last ?? verb)
        }
        func number(_ part: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> Int {
            guard part.count == 1, let token = part.first, token.kind == .number, let value = Int(token.text) else {
                throw .unsupported("\(verb.text.uppercased()) with a non-literal number", line: verb.line)
            }
            return value
        }
        var rewriter = TSQLRewriter(variables: variables)
        if verb.isWord("THROW") {
            let message = PostgresQuery(
                sql: "SELECT CAST((" + (try rewriter.rewrite(parts[1])) + ") AS text)", parameters: rewriter.parameters)
            let code = try number(parts[0])
            guard code >= 50000 else {
                throw SQLServerMessage(
                    number: 35100, severity: 16,
                    message:
                        "Error number \(code) in the THROW statement is outside the valid range. Specify an error number in the valid range of 50000 to 2147483647.",
                    line: verb.line)
            }
            return .raise(message: message, number: code, severity: 16, state: try number(parts[2]), endsBatch: true)
        }
        let message = PostgresQuery(
            sql: "SELECT CAST((" + (try rewriter.rewrite(parts[0])) + ") AS text)", parameters: rewriter.parameters)
        let severity = try number(parts[1])
        guard (0...18).contains(severity) else {
            throw .unsupported(
                "RAISERROR severity \(severity) (above 18 needs WITH LOG and ends the connection)", line: verb.line)
        }
        return .raise(
            message: message, number: 50000, severity: severity, state: try number(parts[2]), endsBatch: false)
    }
}
