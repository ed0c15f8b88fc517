import SQLLexing

/// A stored procedure's name: T-SQL schema (lower case, `dbo` by default) and name (lower case), with the
/// spelling the client wrote for messages.
struct ProcedureName: Sendable, Hashable {
    /// The schema, lower case (`dbo` unless given).
    var schema: String
    /// The procedure name, lower case.
    var name: String
    /// The name as written (without the schema), for messages (`ERROR_PROCEDURE()`, the ERROR token).
    var spelling: String

    /// A name from its written parts (`p`, `dbo.p`, `db.dbo.p`).
    init(parts: [TSQLToken]) {
        var parts = parts
        if parts.count == 3 { parts.removeFirst() }
        self.schema = parts.count == 2 ? parts[0].text.lowercased() : "dbo"
        self.name = parts.last?.text.lowercased() ?? ""
        self.spelling = parts.last?.text ?? ""
    }

    /// A name from text such as an RPC's procedure name (`p`, `dbo.p`, `[s].[p]`).
    init?(text: String) {
        guard let tokens = try? TSQLTokenizer.tokenize(text), !tokens.isEmpty else { return nil }
        var cursor = TSQLTokenCursor(tokens: tokens[...])
        guard let parts = try? cursor.readQualifiedName(), cursor.isAtEnd, parts.count <= 3 else { return nil }
        self.init(parts: parts)
    }
}

/// A parameter of a stored procedure: `@name [AS] type [VARYING] [= default] [OUT | OUTPUT] [READONLY]`.
struct ProcedureParameter: Sendable, Hashable {
    /// The lower-cased name with its `@`.
    var name: String
    /// The name as written.
    var spelling: String
    /// The declared type.
    var type: TSQLType
    /// Whether it is declared `OUTPUT`.
    var isOutput: Bool
    /// `SELECT CAST(default AS type)`, when the parameter has a default.
    var defaultValue: PostgresQuery?
    /// The declaration as written, for the catalog.
    var declaration: String
}

/// `CREATE [OR ALTER] PROCEDURE` / `ALTER PROCEDURE` as parsed: the name, the parameters and the body's tokens.
/// The whole batch text is kept: the sandbox stores it and parses it again for each call, so that the line numbers
/// of errors inside the procedure count from the start of the CREATE batch, as in SQL Server.
struct ProcedureDefinition: Sendable, Hashable {
    /// How the definition meets an existing procedure of the same name.
    enum Mode: Sendable, Hashable {
        /// `CREATE`: an existing one is error 2714.
        case create
        /// `ALTER`: a missing one is an error.
        case alter
        /// `CREATE OR ALTER`: replaces or creates.
        case createOrAlter
    }

    /// The procedure's name.
    var name: ProcedureName
    /// CREATE, ALTER or CREATE OR ALTER.
    var mode: Mode
    /// The parameters in declaration order.
    var parameters: [ProcedureParameter]
    /// The tokens of the body (after `AS`).
    var body: [TSQLToken]
    /// The batch text that defined it.
    var source: String
}

extension ProcedureDefinition {
    /// Whether a batch's tokens start with `CREATE [OR ALTER] PROC[EDURE]` or `ALTER PROC[EDURE]`.
    static func startsDefinition(_ tokens: [TSQLToken]) -> Bool {
        var index = 0
        guard index < tokens.count else { return false }
        if tokens[index].isWord("CREATE") {
            index += 1
            if index + 1 < tokens.count, tokens[index].isWord("OR"), tokens[index + 1].isWord("ALTER") { index += 2 }
        } else if tokens[index].isWord("ALTER") {
            index += 1
        } else {
            return false
        }
        return index < tokens.count && (tokens[index].isWord("PROC") || tokens[index].isWord("PROCEDURE"))
    }

    /// Parses a procedure definition (the batch must start with it; the body runs to the end of the batch).
    static func parse(_ tokens: [TSQLToken], source: String) throws(SQLServerMessage) -> ProcedureDefinition {
        var cursor = TSQLTokenCursor(tokens: tokens[...])
        let first = tokens[0]
        var mode = Mode.create
        if cursor.skip(word: "CREATE") {
            if cursor.skip(word: "OR") {
                try cursor.expect(word: "ALTER")
                mode = .createOrAlter
            }
        } else {
            _ = cursor.next()
            mode = .alter
        }
        _ = cursor.next()  // PROC / PROCEDURE
        let nameParts = try cursor.readQualifiedName()
        guard nameParts.count <= 3 else { throw .incorrectSyntax(near: nameParts.last) }
        if nameParts.last?.text.hasPrefix("#") == true {
            throw .unsupported("temporary procedures (#name)", line: first.line)
        }
        if cursor.current?.isSymbol(";") == true, cursor.peek(1)?.kind == .number {
            throw .unsupported("numbered procedures (name;n)", line: first.line)
        }
        // The parameter list ends at the first `AS` (not right after a parameter name) or `WITH` at depth 0.
        let listStart = cursor.position
        var depth = 0
        var end = listStart
        while end < tokens.count {
            let token = tokens[end]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0, token.isWord("WITH") || token.isWord("FOR") { break }
            if depth == 0, token.isWord("AS"), end == listStart || tokens[end - 1].kind != .variable { break }
            end += 1
        }
        var list = tokens[listStart..<end]
        if list.first?.isSymbol("(") == true, list.last?.isSymbol(")") == true {
            list = list.dropFirst().dropLast()
        }
        var parameters: [ProcedureParameter] = []
        for item in TSQLRewriter.splitAtCommas(list) where !item.isEmpty {
            let parameter = try parseParameter(item)
            guard !parameters.contains(where: { $0.name == parameter.name }) else {
                throw SQLServerMessage(
                    number: 134, severity: 15,
                    message:
                        "The variable name '\(parameter.spelling)' has already been declared. Variable names must be unique within a query batch or stored procedure.",
                    line: item.first?.line ?? first.line)
            }
            parameters.append(parameter)
        }
        cursor.position = end
        if let option = cursor.current, option.isWord("WITH") || option.isWord("FOR") {
            let words = tokens[end...].prefix { !$0.isWord("AS") }.map { $0.text.uppercased() }
            guard words == ["WITH", "RECOMPILE"] else {
                throw .unsupported("CREATE PROCEDURE … " + words.joined(separator: " "), line: option.line)
            }
            cursor.position += words.count
        }
        guard cursor.skip(word: "AS") else { throw cursor.syntaxError() }
        let body = Array(tokens[cursor.position...])
        guard !body.isEmpty else { throw .incorrectSyntax(near: tokens.last) }
        return ProcedureDefinition(
            name: ProcedureName(parts: nameParts), mode: mode, parameters: parameters, body: body, source: source)
    }

    private static func parseParameter(_ item: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> ProcedureParameter {
        var cursor = TSQLTokenCursor(tokens: item)
        guard let variable = cursor.next(), variable.kind == .variable else { throw .incorrectSyntax(near: item.first) }
        _ = cursor.skip(word: "AS")
        if let current = cursor.current, current.isWord("CURSOR") || current.isWord("TABLE") {
            throw .unsupported("\(current.text.uppercased()) parameters", line: current.line)
        }
        let type = try cursor.readType(defaultLength: 1)
        _ = cursor.skip(word: "VARYING")
        var defaultValue: PostgresQuery?
        var declaration = variable.text + " " + type.description
        if cursor.skip(symbol: "=") {
            let start = cursor.position
            while let token = cursor.current, !token.isWord("OUTPUT"), !token.isWord("OUT"), !token.isWord("READONLY") {
                _ = cursor.next()
            }
            let expression = item[start..<cursor.position]
            guard !expression.isEmpty else { throw cursor.syntaxError() }
            guard expression.allSatisfy({ $0.kind != .variable && $0.kind != .word || $0.isWord("NULL") }) else {
                throw .unsupported("a parameter default that is not a constant", line: variable.line)
            }
            var rewriter = TSQLRewriter(variables: [:])
            let sql = "SELECT " + TSQLRewriter.cast("(" + (try rewriter.rewrite(expression)) + ")", to: type)
            defaultValue = PostgresQuery(sql: sql)
            declaration += " = " + expression.map(\.sourceText).joined(separator: " ")
        }
        let isOutput = cursor.skip(word: "OUTPUT") || cursor.skip(word: "OUT")
        if isOutput { declaration += " OUTPUT" }
        if let readOnly = cursor.current, readOnly.isWord("READONLY") {
            throw .unsupported("READONLY (table-valued) parameters", line: readOnly.line)
        }
        guard cursor.isAtEnd else { throw cursor.syntaxError() }
        return ProcedureParameter(
            name: variable.text.lowercased(), spelling: variable.text, type: type, isOutput: isOutput,
            defaultValue: defaultValue, declaration: declaration)
    }

    /// The parameter list as the catalog shows it.
    var parameterList: String {
        parameters.map(\.declaration).joined(separator: ", ")
    }
}
