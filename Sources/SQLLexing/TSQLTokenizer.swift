/// The one T-SQL lexer of the package: splits T-SQL text into ``Token``s, ranges of its UTF-8 bytes that cover the
/// text without gaps (whitespace and comments included, so that text can be rewritten in place).
///
/// It knows `'…'` and `N'…'` strings (`''` escapes a quote), `"quoted"` and `[bracketed]` identifiers (a doubled
/// closing character escapes itself), `--` and nested `/* */` comments, `@variables`, `@@functions`, the `@Pn`
/// placeholders of `sp_executesql`, numbers, `0x…` binary literals and the two-character operators (`<=`, `<>`, …).
///
/// MSSQLDriver uses it for its placeholders (NULL inlining, renumbering, multi-row INSERTs), the TDS sandbox for
/// its translator (which adds line numbers and turns an unterminated token into a server message), and DBCore for
/// the DB-API placeholders of ``SQLDialect``-`.sqlServer` statements. Tokens carry no `String`: ask ``text(_:)``.
package struct TSQLTokenizer: Sendable {
    /// One lexical token: what it is and its bytes within the text.
    package struct Token: Sendable, Hashable {
        /// What the token is.
        package var kind: Kind
        /// The token's bytes within the tokenized text.
        package var range: Range<Int>
        /// Whether a string, quoted identifier or block comment runs to the end of the text without being closed.
        package var isUnterminated = false

        /// Creates a token.
        package init(kind: Kind, range: Range<Int>, isUnterminated: Bool = false) {
            self.kind = kind
            self.range = range
            self.isUnterminated = isUnterminated
        }

        /// Whether the token is whitespace or a comment.
        package var isTrivia: Bool { kind == .whitespace || kind == .comment }
    }

    /// What a token is.
    package enum Kind: Sendable, Hashable {
        /// Spaces, tabs, line breaks (and the Unicode spaces).
        case whitespace
        /// `-- …` to the end of the line, or a (nested) `/* … */`.
        case comment
        /// `'…'` or `N'…'`.
        case string
        /// `"…"` or `[…]`.
        case quotedIdentifier
        /// A keyword or a name (`INSERT`, `dbo`, `#temp`).
        case word
        /// A local variable or parameter (`@x`), except the placeholders ``parameter(_:)``.
        case variable
        /// A placeholder `@Pn` (any case, `n` from 1 without a leading zero) standing alone; the payload is `n`.
        case parameter(Int)
        /// A system function such as `@@ROWCOUNT`.
        case systemVariable
        /// A number (`42`, `1.5`, `1e5`).
        case number
        /// A `0x…` binary literal.
        case binary
        /// An operator or punctuation: `(`, `)`, `,`, `;`, `.`, `=`, `<>`, `+`, …
        case symbol
    }

    /// The UTF-8 bytes of the text.
    package let bytes: [UInt8]
    /// Every token, in order.
    package let tokens: [Token]

    /// Tokenizes `sql`.
    package init(_ sql: String) {
        self.init(bytes: Array(sql.utf8))
    }

    /// Tokenizes UTF-8 `bytes`.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
        self.tokens = bytes.withUnsafeBufferPointer { buffer in
            var tokens: [Token] = []
            tokens.reserveCapacity(buffer.count / 3)
            var index = 0
            while index < buffer.count {
                let token = Self.token(in: buffer, at: index)
                tokens.append(token)
                index = token.range.upperBound
            }
            return tokens
        }
    }

    /// The text of a range of bytes.
    package func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Whether `token` is the word `keyword` (ASCII, any case).
    package func isKeyword(_ token: Token, _ keyword: StaticString) -> Bool {
        guard token.kind == .word, token.range.count == keyword.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
        for (offset, byte) in expected.enumerated() where bytes[token.range.lowerBound + offset] | 0x20 != byte | 0x20 {
            return false
        }
        return true
    }

    /// Whether `token` is the single byte `symbol`.
    package func isSymbol(_ token: Token, _ symbol: Unicode.Scalar) -> Bool {
        token.kind == .symbol && token.range.count == 1 && bytes[token.range.lowerBound] == UInt8(ascii: symbol)
    }
}
