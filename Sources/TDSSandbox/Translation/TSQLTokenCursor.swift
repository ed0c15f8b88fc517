/// Reads a statement's tokens front to back, with the small parsing steps the translator shares.
struct TSQLTokenCursor {
    /// The tokens being read.
    let tokens: ArraySlice<TSQLToken>
    /// The position of the next token.
    var position: Int

    init(tokens: ArraySlice<TSQLToken>) {
        self.tokens = tokens
        self.position = tokens.startIndex
    }

    var isAtEnd: Bool { position >= tokens.endIndex }

    /// The next token, without consuming it.
    var current: TSQLToken? { isAtEnd ? nil : tokens[position] }

    /// The token `offset` places ahead.
    func peek(_ offset: Int) -> TSQLToken? {
        position + offset < tokens.endIndex ? tokens[position + offset] : nil
    }

    /// Consumes and returns the next token.
    mutating func next() -> TSQLToken? {
        guard let token = current else { return nil }
        position += 1
        return token
    }

    /// Consumes the next token if it is the word `keyword`.
    mutating func skip(word keyword: String) -> Bool {
        guard current?.isWord(keyword) == true else { return false }
        position += 1
        return true
    }

    /// Consumes the next token if it is the symbol `symbol`.
    mutating func skip(symbol: String) -> Bool {
        guard current?.isSymbol(symbol) == true else { return false }
        position += 1
        return true
    }

    /// The error for the next token (or the last one at the end).
    func syntaxError() -> SQLServerMessage {
        .incorrectSyntax(near: current ?? tokens.last)
    }

    /// Consumes the word `keyword` or throws error 102.
    mutating func expect(word keyword: String) throws(SQLServerMessage) {
        guard skip(word: keyword) else { throw syntaxError() }
    }

    /// Consumes the symbol `symbol` or throws error 102.
    mutating func expect(symbol: String) throws(SQLServerMessage) {
        guard skip(symbol: symbol) else { throw syntaxError() }
    }

    /// The index just past the `)` matching the `(` at `open`.
    func matchingParenthesis(from open: Int) throws(SQLServerMessage) -> Int {
        var depth = 0
        var index = open
        while index < tokens.endIndex {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") {
                depth -= 1
                if depth == 0 { return index + 1 }
            }
            index += 1
        }
        throw .incorrectSyntax(near: tokens.last)
    }

    /// Reads a possibly qualified name (`a`, `a.b`, `[a].[b].c`) and returns its parts as written.
    mutating func readQualifiedName() throws(SQLServerMessage) -> [TSQLToken] {
        guard let first = current, first.isIdentifier else { throw syntaxError() }
        position += 1
        var parts = [first]
        while current?.isSymbol(".") == true, let part = peek(1), part.isIdentifier {
            position += 2
            parts.append(part)
        }
        return parts
    }

    /// Reads a type name with its optional arguments, e.g. `nvarchar(50)` or `decimal(12, 2)`.
    mutating func readType(defaultLength: Int) throws(SQLServerMessage) -> TSQLType {
        guard let nameToken = current, nameToken.isIdentifier else { throw syntaxError() }
        position += 1
        var name = nameToken.text
        if name.caseInsensitiveEquals("double"), skip(word: "precision") { name = "float" }
        var arguments: [String] = []
        if skip(symbol: "(") {
            while let token = next(), !token.isSymbol(")") {
                if token.isSymbol(",") { continue }
                guard token.kind == .number || token.isWord("max") else { throw .incorrectSyntax(near: token) }
                arguments.append(token.text)
            }
        }
        guard let type = TSQLType.parse(name: name, arguments: arguments, defaultLength: defaultLength) else {
            if TSQLType.parse(name: name, arguments: [], defaultLength: defaultLength) != nil || !arguments.isEmpty {
                throw SQLServerMessage(
                    number: 131, severity: 15,
                    message: "The size (\(arguments.joined(separator: ","))) given to the type '\(name)' is not valid.",
                    line: nameToken.line)
            }
            throw .unknownType(name, line: nameToken.line)
        }
        return type
    }
}
