extension TSQLTranslator {
    /// BEGIN TRAN[SACTION] [name] / COMMIT [TRAN|WORK] [name] / ROLLBACK [TRAN|WORK] [name] / SAVE TRAN name.
    func translateTransaction(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var cursor = TSQLTokenCursor(tokens: tokens)
        let verb = cursor.next()!
        let hasTransactionWord =
            cursor.skip(word: "TRAN") || cursor.skip(word: "TRANSACTION")
            || (!verb.isWord("BEGIN") && !verb.isWord("SAVE") && cursor.skip(word: "WORK"))
        if verb.isWord("BEGIN") || verb.isWord("SAVE"), !hasTransactionWord { throw cursor.syntaxError() }
        var name: String?
        if let token = cursor.current, token.isIdentifier || token.kind == .variable {
            if token.kind == .variable { throw .unsupported("a transaction name in a variable", line: token.line) }
            name = token.text
            _ = cursor.next()
        }
        if verb.isWord("BEGIN"), cursor.skip(word: "WITH") {
            try cursor.expect(word: "MARK")
            _ = cursor.next()
        }
        guard cursor.isAtEnd else { throw cursor.syntaxError() }
        switch verb.keyword ?? "" {
        case "BEGIN": return .beginTransaction
        case "COMMIT": return .commit
        case "ROLLBACK": return .rollback(savepoint: name)
        default:
            guard let name else { throw cursor.syntaxError() }
            return .save(name)
        }
    }

    /// The SET options clients send on connect, accepted without effect.
    private static let acceptedOptions: Set<String> = [
        "ANSI_NULLS", "QUOTED_IDENTIFIER", "ANSI_WARNINGS", "ANSI_PADDING", "ANSI_NULL_DFLT_ON", "ANSI_NULL_DFLT_OFF",
        "ARITHABORT", "ARITHIGNORE", "CONCAT_NULL_YIELDS_NULL", "NUMERIC_ROUNDABORT", "CURSOR_CLOSE_ON_COMMIT",
        "ANSI_DEFAULTS", "TEXTSIZE", "LANGUAGE", "DATEFIRST", "DEADLOCK_PRIORITY", "NOEXEC", "STATISTICS",
        "IDENTITY_INSERT", "QUERY_GOVERNOR_COST_LIMIT", "ROWCOUNT", "CONTEXT_INFO", "SHOWPLAN_ALL",
    ]

    /// SET option / SET @variable = expression.
    func translateSet(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst())
        guard let option = cursor.next() else { throw cursor.syntaxError() }
        if option.kind == .variable {
            return try translateVariableAssignment(option, rest: tokens[cursor.position...])
        }
        guard let name = option.keyword else { throw .incorrectSyntax(near: option) }
        let rest = tokens[cursor.position...]
        func onOff() throws(SQLServerMessage) -> Bool {
            guard rest.count == 1, let value = rest.first, value.isWord("ON") || value.isWord("OFF") else {
                throw .incorrectSyntax(near: rest.first ?? option)
            }
            return value.isWord("ON")
        }
        switch name {
        case "NOCOUNT": return .setNoCount(try onOff())
        case "IMPLICIT_TRANSACTIONS": return .setImplicitTransactions(try onOff())
        case "XACT_ABORT": return .setXactAbort(try onOff())
        case "TRANSACTION":
            let words = rest.map { $0.text.uppercased() }
            guard words.count >= 3, words[0] == "ISOLATION", words[1] == "LEVEL" else {
                throw .incorrectSyntax(near: rest.first ?? option)
            }
            switch words.dropFirst(2).joined(separator: " ") {
            case "READ UNCOMMITTED": return .setIsolationLevel("READ UNCOMMITTED")
            case "READ COMMITTED": return .setIsolationLevel("READ COMMITTED")
            case "REPEATABLE READ", "SNAPSHOT": return .setIsolationLevel("REPEATABLE READ")
            case "SERIALIZABLE": return .setIsolationLevel("SERIALIZABLE")
            default: throw .incorrectSyntax(near: rest.last ?? option)
            }
        case "DATEFORMAT":
            guard rest.count == 1, let value = rest.first?.text.uppercased(),
                ["MDY", "DMY", "YMD", "YDM", "MYD", "DYM"].contains(value)
            else { throw .incorrectSyntax(near: rest.first ?? option) }
            let order = value == "DMY" ? "DMY" : value == "YMD" ? "YMD" : "MDY"
            return .query(PostgresQuery(sql: "SET DateStyle = 'ISO, \(order)'"), .silent)
        case "LOCK_TIMEOUT":
            guard let value = rest.last, value.kind == .number || rest.count == 2 else {
                throw .incorrectSyntax(near: rest.first ?? option)
            }
            let milliseconds = rest.count == 2 ? 0 : Int(value.text) ?? 0
            return .query(PostgresQuery(sql: "SET lock_timeout = \(milliseconds)"), .silent)
        case "ROWCOUNT":
            guard rest.count == 1, rest.first?.text == "0" else {
                throw .unsupported("SET ROWCOUNT n", line: option.line)
            }
            return .acceptedOption
        case "FMTONLY": return .setFormatOnly(try onOff())
        case "NOEXEC", "SHOWPLAN_ALL":
            guard (try? onOff()) == false else { throw .unsupported("SET \(name) ON", line: option.line) }
            return .acceptedOption
        default:
            guard Self.acceptedOptions.contains(name) else { throw .unsupported("SET \(name)", line: option.line) }
            return .acceptedOption
        }
    }

    /// `SET @v = expr` (and `+=` and friends).
    private func translateVariableAssignment(
        _ variable: TSQLToken, rest: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> TranslatedStatement.Action {
        let name = variable.text.lowercased()
        guard variables[name] != nil else { throw .undeclaredVariable(variable.text, line: variable.line) }
        guard let op = rest.first, op.kind == .symbol, rest.count > 1 else {
            throw .incorrectSyntax(near: rest.first ?? variable)
        }
        var rewriter = TSQLRewriter(variables: variables)
        var expression = "(" + (try rewriter.rewrite(rest.dropFirst())) + ")"
        switch op.text {
        case "=": break
        case "+=", "-=", "*=", "/=", "%=":
            expression = try rewriter.placeholder(variable) + " \(op.text.dropLast()) " + expression
        default: throw .incorrectSyntax(near: op)
        }
        return .assign(
            names: [name], query: PostgresQuery(sql: "SELECT " + expression, parameters: rewriter.parameters))
    }

    /// `DECLARE @a type [= expr] [, @b type [= expr]]`.
    mutating func translateDeclare(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> [TranslatedStatement] {
        var statements: [TranslatedStatement] = []
        for item in TSQLRewriter.splitAtCommas(tokens.dropFirst()) {
            var cursor = TSQLTokenCursor(tokens: item)
            guard let variable = cursor.next(), variable.kind == .variable else {
                throw .incorrectSyntax(near: item.first ?? tokens.first)
            }
            _ = cursor.skip(word: "AS")
            if let table = cursor.current, table.isWord("TABLE"), !inProcedure {
                statements.append(
                    contentsOf: try translateTableVariable(variable, definition: item[(cursor.position + 1)...]))
                continue
            }
            if let table = cursor.current, table.isWord("TABLE") || table.isWord("CURSOR") {
                throw .unsupported("DECLARE … \(table.text.uppercased())", line: table.line)
            }
            let type = try cursor.readType(defaultLength: 1)
            var initial: PostgresQuery?
            if cursor.skip(symbol: "=") {
                var rewriter = TSQLRewriter(variables: variables)
                let sql =
                    "SELECT "
                    + TSQLRewriter.cast("(" + (try rewriter.rewrite(item[cursor.position...])) + ")", to: type)
                initial = PostgresQuery(sql: sql, parameters: rewriter.parameters)
            } else if !cursor.isAtEnd {
                throw cursor.syntaxError()
            }
            variables[variable.text.lowercased()] = type
            statements.append(
                TranslatedStatement(
                    line: variable.line,
                    action: .declare(name: variable.text.lowercased(), type: type, initial: initial)))
        }
        return statements
    }
}
