/// Splits T-SQL text into tokens: `N'…'` and `'…'` strings with `''` escapes, `[bracketed]` and `"quoted"`
/// identifiers (with `]]` / `""` escapes), `@variables`, `@@functions`, `--` and nested `/* */` comments, numbers
/// and `0x` binary literals. Comments and whitespace are dropped; each token records its line.
struct TSQLTokenizer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1

    /// Tokenizes `sql`; throws a ``SQLServerMessage`` for an unclosed string, identifier or comment.
    static func tokenize(_ sql: String) throws(SQLServerMessage) -> [TSQLToken] {
        var tokenizer = TSQLTokenizer(scalars: Array(sql.unicodeScalars))
        return try tokenizer.run()
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() -> Unicode.Scalar {
        let scalar = scalars[index]
        index += 1
        if scalar == "\n" { line += 1 }
        return scalar
    }

    private mutating func run() throws(SQLServerMessage) -> [TSQLToken] {
        var tokens: [TSQLToken] = []
        var space = false
        while let scalar = peek() {
            if scalar.properties.isWhitespace {
                _ = advance()
                space = true
                continue
            }
            if scalar == "-", peek(1) == "-" {
                while let next = peek(), next != "\n" { _ = advance() }
                space = true
                continue
            }
            if scalar == "/", peek(1) == "*" {
                try skipBlockComment()
                space = true
                continue
            }
            let startLine = line
            let (kind, text) = try readToken(scalar)
            tokens.append(TSQLToken(kind: kind, text: text, line: startLine, spaceBefore: space))
            space = false
        }
        return tokens
    }

    private mutating func skipBlockComment() throws(SQLServerMessage) {
        var depth = 0
        repeat {
            guard let scalar = peek() else {
                throw SQLServerMessage(number: 113, severity: 15, message: "Missing end comment mark '*/'.", line: line)
            }
            if scalar == "/", peek(1) == "*" {
                depth += 1
                _ = advance()
            } else if scalar == "*", peek(1) == "/" {
                depth -= 1
                _ = advance()
            }
            _ = advance()
        } while depth > 0
    }

    private mutating func readToken(_ scalar: Unicode.Scalar) throws(SQLServerMessage) -> (TSQLToken.Kind, String) {
        if (scalar == "N" || scalar == "n"), peek(1) == "'" {
            _ = advance()
            return (.string(isUnicode: true), try readQuoted(close: "'"))
        }
        if scalar == "'" { return (.string(isUnicode: false), try readQuoted(close: "'")) }
        if scalar == "[" { return (.quotedIdentifier, try readQuoted(close: "]")) }
        if scalar == "\"" { return (.quotedIdentifier, try readQuoted(close: "\"")) }
        if scalar == "0", let x = peek(1), x == "x" || x == "X" {
            index += 2
            var hex = ""
            while let next = peek(), next.properties.isASCIIHexDigit { hex.unicodeScalars.append(advance()) }
            return (.binary, hex)
        }
        if Self.isDigit(scalar) || (scalar == "." && peek(1).map(Self.isDigit) == true) {
            return (.number, readNumber())
        }
        if scalar == "@" {
            let system = peek(1) == "@"
            var text = system ? "@@" : "@"
            index += system ? 2 : 1
            while let next = peek(), Self.isIdentifierPart(next) { text.unicodeScalars.append(advance()) }
            return (system ? .systemVariable : .variable, text)
        }
        if Self.isIdentifierStart(scalar) {
            var text = ""
            while let next = peek(), Self.isIdentifierPart(next) { text.unicodeScalars.append(advance()) }
            return (.word, text)
        }
        return (.symbol, readSymbol())
    }

    private mutating func readQuoted(close: Unicode.Scalar) throws(SQLServerMessage) -> String {
        let startLine = line
        _ = advance()
        var text = ""
        while true {
            guard let scalar = peek() else {
                let shown = String(text.prefix(100))
                throw SQLServerMessage(
                    number: 105, severity: 15,
                    message: "Unclosed quotation mark after the character string '\(shown)'.", line: startLine)
            }
            _ = advance()
            if scalar == close {
                if peek() == close {
                    _ = advance()
                    text.unicodeScalars.append(close)
                    continue
                }
                return text
            }
            text.unicodeScalars.append(scalar)
        }
    }

    private mutating func readNumber() -> String {
        var text = ""
        while let next = peek(), Self.isDigit(next) { text.unicodeScalars.append(advance()) }
        if peek() == "." {
            text.unicodeScalars.append(advance())
            while let next = peek(), Self.isDigit(next) { text.unicodeScalars.append(advance()) }
        }
        if let e = peek(), e == "e" || e == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let digit = peek(signed ? 2 : 1), Self.isDigit(digit) {
                text.unicodeScalars.append(advance())
                if signed { text.unicodeScalars.append(advance()) }
                while let next = peek(), Self.isDigit(next) { text.unicodeScalars.append(advance()) }
            }
        }
        return text
    }

    private static let twoCharacterSymbols: Set<String> = [
        "<=", ">=", "<>", "!=", "!<", "!>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "::",
    ]

    private mutating func readSymbol() -> String {
        if let second = peek(1) {
            var pair = String(peek()!)
            pair.unicodeScalars.append(second)
            if Self.twoCharacterSymbols.contains(pair) {
                index += 2
                return pair
            }
        }
        return String(advance())
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 48 && scalar.value <= 57
    }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "#" || scalar.properties.isAlphabetic
    }

    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar) || scalar == "@" || scalar == "$"
    }
}
