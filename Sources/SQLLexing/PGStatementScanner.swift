/// The one PostgreSQL lexer of the package: splits SQL text into ``Token``s, ranges of its UTF-8 bytes that cover
/// the text without gaps, keeping whole what cannot hold a placeholder or end a statement: string literals (`'...'`
/// with `''`, `E'...'` with backslash escapes), quoted identifiers (`"..."`), comments (`--`, nested `/* */`) and
/// dollar quotes (`$$...$$`, `$tag$...$tag$`).
///
/// PGDriver asks it whether a statement holds several (the extended query protocol takes one; several without
/// parameters go through the simple protocol instead); DBCore walks its tokens for the DB-API placeholders of
/// ``SQLDialect``-`.postgresql` statements, and finds the statement count in the same pass.
package enum PGStatementScanner {
    /// One lexical token: what it is and its bytes within the text.
    package struct Token: Sendable, Hashable {
        /// What the token is.
        package var kind: Kind
        /// The token's bytes within the text.
        package var range: Range<Int>
        /// Whether a quoted run or block comment runs to the end of the text without being closed.
        package var isUnterminated = false
    }

    /// What a token is.
    package enum Kind: Sendable, Hashable {
        /// Spaces, tabs, line breaks.
        case whitespace
        /// `-- …` to the end of the line, or a (nested) `/* … */`.
        case comment
        /// `'...'`, or `E'...'` with backslash escapes.
        case string
        /// `"..."`.
        case quotedIdentifier
        /// `$$...$$` or `$tag$...$tag$`.
        case dollarQuoted
        /// A run of name characters (letters, digits, `_`, `$`, non-ASCII): keywords, names, numbers.
        case word
        /// Any other single byte: `(`, `;`, `%`, `$` (when it opens no dollar quote), operators.
        case symbol
    }

    /// Whether a `;` outside quotes and comments is followed by more SQL.
    package static func containsMultipleStatements(_ sql: String) -> Bool {
        var text = sql
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes in
            // Without a `;` anywhere there is one statement: no need to lex.
            guard bytes.contains(UInt8(ascii: ";")) else { return false }
            var afterSemicolon = false
            var index = 0
            while index < bytes.count {
                let token = token(in: bytes, at: index)
                index = token.range.upperBound
                if token.kind == .whitespace || token.kind == .comment { continue }
                let isSemicolon = token.kind == .symbol && bytes[token.range.lowerBound] == UInt8(ascii: ";")
                if afterSemicolon && !isSemicolon { return true }
                afterSemicolon = afterSemicolon || isSemicolon
            }
            return false
        } ?? false
    }

    /// The token that starts at byte `start` (which must be inside `bytes`).
    package static func token(in bytes: [UInt8], at start: Int) -> Token {
        bytes.withUnsafeBufferPointer { token(in: $0, at: start) }
    }

    /// `token(in:at:)` (the array form) over the bytes' storage.
    static func token(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Token {
        let count = bytes.count
        let byte = bytes[start]
        let next: UInt8? = start + 1 < count ? bytes[start + 1] : nil
        switch byte {
        case 0x09, 0x0A, 0x0C, 0x0D, 0x20:
            var index = start + 1
            while index < count, isSpace(bytes[index]) { index += 1 }
            return Token(kind: .whitespace, range: start..<index)
        case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
            var index = start + 2
            while index < count, bytes[index] != 0x0A { index += 1 }
            return Token(kind: .comment, range: start..<index)
        case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
            return blockComment(bytes, from: start)
        case UInt8(ascii: "'"):
            return quoted(.string, bytes, start: start, open: start, close: UInt8(ascii: "'"), backslash: false)
        case UInt8(ascii: "\""):
            return quoted(
                .quotedIdentifier, bytes, start: start, open: start, close: UInt8(ascii: "\""), backslash: false)
        case UInt8(ascii: "$"):
            return dollarQuoted(bytes, from: start) ?? Token(kind: .symbol, range: start..<(start + 1))
        case _ where isIdentifier(byte):
            var index = start + 1
            while index < count, isIdentifier(bytes[index]) || bytes[index] == UInt8(ascii: "$") { index += 1 }
            // `E'...'`: an escape string (an `E` that ends a longer name is only a name).
            if index == start + 1, byte | 0x20 == UInt8(ascii: "e"), index < count, bytes[index] == UInt8(ascii: "'") {
                return quoted(.string, bytes, start: start, open: index, close: UInt8(ascii: "'"), backslash: true)
            }
            return Token(kind: .word, range: start..<index)
        default:
            return Token(kind: .symbol, range: start..<(start + 1))
        }
    }

    private static func isIdentifier(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c >= 128
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 12 }

    private static func blockComment(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Token {
        let count = bytes.count
        var depth = 0
        var index = start
        while index < count {
            if bytes[index] == UInt8(ascii: "/"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return Token(kind: .comment, range: start..<index) }
            } else {
                index += 1
            }
        }
        return Token(kind: .comment, range: start..<count, isUnterminated: true)
    }

    /// A quoted run whose opening quote is at `open`: a doubled `close` escapes it; with `backslash`, `\x` escapes
    /// any character.
    private static func quoted(
        _ kind: Kind, _ bytes: UnsafeBufferPointer<UInt8>, start: Int, open: Int, close: UInt8, backslash: Bool
    ) -> Token {
        var index = open + 1
        while index < bytes.count {
            let byte = bytes[index]
            if backslash && byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == close {
                if index + 1 < bytes.count && bytes[index + 1] == close {
                    index += 2
                    continue
                }
                return Token(kind: kind, range: start..<(index + 1))
            }
            index += 1
        }
        return Token(kind: kind, range: start..<bytes.count, isUnterminated: true)
    }

    /// The dollar quote (`$$` or `$tag$`) that opens at `start`, or `nil` when none does (`$1` is a parameter: a
    /// tag does not start with a digit). A `$` inside a name is part of the name (see the word case).
    private static func dollarQuoted(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Token? {
        let count = bytes.count
        var index = start + 1
        while index < count && bytes[index] != UInt8(ascii: "$") {
            let c = bytes[index]
            let isDigit = c >= 48 && c <= 57
            if !isIdentifier(c) || (isDigit && index == start + 1) { return nil }
            index += 1
        }
        guard index < count else { return nil }
        let tagLength = index - start + 1
        var candidate = index + 1
        while candidate + tagLength <= count {
            if bytes[candidate] == UInt8(ascii: "$") {
                var matches = true
                for k in 0..<tagLength where bytes[candidate + k] != bytes[start + k] {
                    matches = false
                    break
                }
                if matches { return Token(kind: .dollarQuoted, range: start..<(candidate + tagLength)) }
            }
            candidate += 1
        }
        return Token(kind: .dollarQuoted, range: start..<count, isUnterminated: true)
    }
}
