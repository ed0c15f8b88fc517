/// One lexical token of a T-SQL text, as a range of its UTF-8 bytes.
struct TSQLToken: Equatable {
    /// What the token is.
    enum Kind: Equatable {
        /// Spaces, tabs, line breaks.
        case whitespace
        /// `-- …` to the end of the line, or a (nested) `/* … */`.
        case comment
        /// `'…'` or `N'…'` (a doubled `''` escapes a quote).
        case string
        /// `"…"` or `[…]` (a doubled closing character escapes itself).
        case quotedIdentifier
        /// A keyword, a name or a variable (`INSERT`, `dbo`, `#temp`, `@x`, `@@ROWCOUNT`).
        case word
        /// A placeholder `@Pn` (any case, `n` from 1 without a leading zero) standing alone; the payload is `n`.
        case parameter(Int)
        /// A number (`42`, `1.5`, `0x1F`, `1e5`).
        case number
        /// Any other single byte: `(`, `)`, `,`, `;`, `.`, operators.
        case symbol
    }

    var kind: Kind
    /// The token's bytes within the tokenized text.
    var range: Range<Int>

    /// Whether the token is whitespace or a comment.
    var isTrivia: Bool { kind == .whitespace || kind == .comment }
}

/// The one T-SQL lexer of the driver: splits a statement into ``TSQLToken``s so that callers find placeholders,
/// keywords and punctuation outside string literals, quoted or bracketed identifiers and comments.
///
/// Used by ``MSSQLNullInlining`` (NULL placeholders), ``TSQLParameterRenumbering`` (executeMany's repeated
/// statements) and ``MSSQLMultiRowInsert`` (recognising a plain `INSERT … VALUES (…)`).
struct TSQLTokenizer {
    /// The UTF-8 bytes of the text.
    let bytes: [UInt8]
    /// Every token, in order; their ranges cover the text without gaps.
    let tokens: [TSQLToken]

    /// Tokenizes `sql`.
    init(_ sql: String) {
        bytes = Array(sql.utf8)
        tokens = Self.tokenize(bytes)
    }

    /// The text of a range of bytes.
    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Whether `token` is the word `keyword` (ASCII, any case).
    func isKeyword(_ token: TSQLToken, _ keyword: StaticString) -> Bool {
        guard token.kind == .word, token.range.count == keyword.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
        for (offset, byte) in expected.enumerated() where bytes[token.range.lowerBound + offset] | 0x20 != byte | 0x20 {
            return false
        }
        return true
    }

    /// Whether `token` is the single byte `symbol`.
    func isSymbol(_ token: TSQLToken, _ symbol: Unicode.Scalar) -> Bool {
        token.kind == .symbol && bytes[token.range.lowerBound] == UInt8(ascii: symbol)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F
            || byte == 0x40 || byte == 0x23 || byte == 0x24 || byte >= 0x80
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func tokenize(_ bytes: [UInt8]) -> [TSQLToken] {
        var tokens: [TSQLToken] = []
        var index = 0
        let count = bytes.count
        func next(_ offset: Int) -> UInt8? { index + offset < count ? bytes[index + offset] : nil }
        func skipQuoted(from start: Int, close: UInt8) -> Int {
            var position = start + 1
            while position < count {
                if bytes[position] == close {
                    if position + 1 < count, bytes[position + 1] == close {
                        position += 2
                        continue
                    }
                    return position + 1
                }
                position += 1
            }
            return count
        }
        while index < count {
            let start = index
            let byte = bytes[index]
            let kind: TSQLToken.Kind
            switch byte {
            case 0x09, 0x0A, 0x0D, 0x20:
                while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
                    || bytes[index] == 0x0D
                {
                    index += 1
                }
                kind = .whitespace
            case UInt8(ascii: "-") where next(1) == UInt8(ascii: "-"):
                while index < count, bytes[index] != 0x0A { index += 1 }
                kind = .comment
            case UInt8(ascii: "/") where next(1) == UInt8(ascii: "*"):
                var depth = 0
                while index < count {
                    if bytes[index] == UInt8(ascii: "/"), next(1) == UInt8(ascii: "*") {
                        depth += 1
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "*"), next(1) == UInt8(ascii: "/") {
                        depth -= 1
                        index += 2
                        if depth == 0 { break }
                    } else {
                        index += 1
                    }
                }
                kind = .comment
            case UInt8(ascii: "'"):
                index = skipQuoted(from: index, close: UInt8(ascii: "'"))
                kind = .string
            case _ where byte | 0x20 == UInt8(ascii: "n") && next(1) == UInt8(ascii: "'"):
                index = skipQuoted(from: index + 1, close: UInt8(ascii: "'"))
                kind = .string
            case UInt8(ascii: "\""):
                index = skipQuoted(from: index, close: UInt8(ascii: "\""))
                kind = .quotedIdentifier
            case UInt8(ascii: "["):
                index = skipQuoted(from: index, close: UInt8(ascii: "]"))
                kind = .quotedIdentifier
            case _ where isDigit(byte) || (byte == UInt8(ascii: ".") && next(1).map(isDigit) == true):
                index += 1
                while index < count, bytes[index] == UInt8(ascii: ".") || (isWordByte(bytes[index]) && bytes[index] != 0x40) {
                    index += 1
                }
                kind = .number
            case _ where isWordByte(byte):
                while index < count, isWordByte(bytes[index]) { index += 1 }
                kind = parameterNumber(bytes, start..<index).map(TSQLToken.Kind.parameter) ?? .word
            default:
                index += 1
                kind = .symbol
            }
            tokens.append(TSQLToken(kind: kind, range: start..<index))
        }
        return tokens
    }

    /// The `n` of a word that is exactly `@Pn` (`n` ≥ 1, no leading zero).
    private static func parameterNumber(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.count >= 3, bytes[range.lowerBound] == 0x40, bytes[range.lowerBound + 1] | 0x20 == 0x70,
            bytes[range.lowerBound + 2] != 0x30, range.count <= 12
        else { return nil }
        var value = 0
        for byte in bytes[(range.lowerBound + 2)..<range.upperBound] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
