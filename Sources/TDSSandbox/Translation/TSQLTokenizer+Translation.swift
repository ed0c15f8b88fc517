import SQLLexing

/// The translator's view of the one T-SQL lexer (`TSQLTokenizer`, module SQLLexing): comments and whitespace
/// dropped, each token with its text (unquoted and unescaped for strings and quoted identifiers, the hex digits of a
/// `0x` literal), its line and whether trivia came before it.
extension TSQLTokenizer {
    /// Tokenizes `sql`; throws a ``SQLServerMessage`` for an unclosed string, identifier or comment.
    static func tokenize(_ sql: String) throws(SQLServerMessage) -> [TSQLToken] {
        let lexed = TSQLTokenizer(sql)
        let bytes = lexed.bytes
        var tokens: [TSQLToken] = []
        tokens.reserveCapacity(lexed.tokens.count / 2 + 1)
        var line = 1
        var space = false
        for token in lexed.tokens {
            let startLine = line
            switch token.kind {
            case .whitespace, .comment, .string, .quotedIdentifier:
                line += bytes[token.range].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            default:
                break
            }
            if token.isUnterminated {
                if token.kind == .comment {
                    throw SQLServerMessage(
                        number: 113, severity: 15, message: "Missing end comment mark '*/'.", line: line)
                }
                let shown = String(unquoted(token, in: bytes, closed: false).prefix(100))
                throw SQLServerMessage(
                    number: 105, severity: 15,
                    message: "Unclosed quotation mark after the character string '\(shown)'.", line: startLine)
            }
            let kind: TSQLToken.Kind
            var text: String
            switch token.kind {
            case .whitespace, .comment:
                space = true
                continue
            case .string:
                let unicode = bytes[token.range.lowerBound] != UInt8(ascii: "'")
                (kind, text) = (.string(isUnicode: unicode), unquoted(token, in: bytes, closed: true))
            case .quotedIdentifier:
                (kind, text) = (.quotedIdentifier, unquoted(token, in: bytes, closed: true))
            case .binary:
                let digits = bytes[(token.range.lowerBound + 2)..<token.range.upperBound]
                (kind, text) = (.binary, String(decoding: digits, as: UTF8.self))
            case .word: (kind, text) = (.word, lexed.text(token.range))
            case .variable, .parameter: (kind, text) = (.variable, lexed.text(token.range))
            case .systemVariable: (kind, text) = (.systemVariable, lexed.text(token.range))
            case .number: (kind, text) = (.number, lexed.text(token.range))
            case .symbol: (kind, text) = (.symbol, lexed.text(token.range))
            }
            tokens.append(TSQLToken(kind: kind, text: text, line: startLine, spaceBefore: space))
            space = false
        }
        return tokens
    }

    /// The content of a string or quoted identifier: without its quotes (and `N`), a doubled closing quote as one.
    private static func unquoted(_ token: Token, in bytes: [UInt8], closed: Bool) -> String {
        var start = token.range.lowerBound
        if bytes[start] | 0x20 == UInt8(ascii: "n") { start += 1 }
        let close = bytes[start] == UInt8(ascii: "[") ? UInt8(ascii: "]") : bytes[start]
        let inner = bytes[(start + 1)..<(closed ? token.range.upperBound - 1 : token.range.upperBound)]
        guard inner.contains(close) else { return String(decoding: inner, as: UTF8.self) }
        var text: [UInt8] = []
        text.reserveCapacity(inner.count)
        var index = inner.startIndex
        while index < inner.endIndex {
            text.append(inner[index])
            index += inner[index] == close ? 2 : 1
        }
        return String(decoding: text, as: UTF8.self)
    }
}
