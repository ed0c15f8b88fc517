/// Finds out whether SQL text holds more than one statement, skipping what cannot end a statement: string
/// literals (`'...'`, `E'...'` with backslash escapes), quoted identifiers, comments (`--`, nested `/* */`) and
/// dollar quotes (`$$...$$`, `$tag$...$tag$`).
///
/// The extended query protocol (parameters, binary results) takes one statement; several statements without
/// parameters go through the simple protocol instead, which returns one result per statement.
enum PGStatementScanner {
    /// Whether a `;` outside quotes and comments is followed by more SQL.
    static func containsMultipleStatements(_ sql: String) -> Bool {
        var text = sql
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable(scan) ?? false
    }

    private static func isIdentifier(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c >= 128
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 12 }

    private static func scan(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = s.count
        var i = 0
        var afterSemicolon = false
        while i < n {
            let c = s[i]
            if c == UInt8(ascii: "-"), i + 1 < n, s[i + 1] == UInt8(ascii: "-") {
                while i < n && s[i] != 10 { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), i + 1 < n, s[i + 1] == UInt8(ascii: "*") {
                var depth = 0
                while i < n {
                    if s[i] == UInt8(ascii: "/"), i + 1 < n, s[i + 1] == UInt8(ascii: "*") {
                        depth += 1
                        i += 2
                    } else if s[i] == UInt8(ascii: "*"), i + 1 < n, s[i + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        i += 2
                        if depth == 0 { break }
                    } else {
                        i += 1
                    }
                }
                continue
            }
            if isSpace(c) {
                i += 1
                continue
            }
            if afterSemicolon && c != UInt8(ascii: ";") { return true }
            switch c {
            case UInt8(ascii: ";"):
                afterSemicolon = true
                i += 1
            case UInt8(ascii: "'"):
                let escapes = i > 0 && (s[i - 1] == UInt8(ascii: "E") || s[i - 1] == UInt8(ascii: "e"))
                    && (i < 2 || !isIdentifier(s[i - 2]))
                i = endOfQuoted(s, from: i, close: UInt8(ascii: "'"), backslash: escapes)
            case UInt8(ascii: "\""):
                i = endOfQuoted(s, from: i, close: UInt8(ascii: "\""), backslash: false)
            case UInt8(ascii: "$"):
                i = endOfDollarQuote(s, from: i) ?? i + 1
            default:
                i += 1
            }
        }
        return false
    }

    private static func endOfQuoted(_ s: UnsafeBufferPointer<UInt8>, from start: Int, close: UInt8, backslash: Bool) -> Int {
        var i = start + 1
        while i < s.count {
            if backslash && s[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if s[i] == close {
                if i + 1 < s.count && s[i + 1] == close {
                    i += 2
                    continue
                }
                return i + 1
            }
            i += 1
        }
        return s.count
    }

    private static func endOfDollarQuote(_ s: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        if start > 0 && isIdentifier(s[start - 1]) { return nil }
        var i = start + 1
        while i < s.count && s[i] != UInt8(ascii: "$") {
            let c = s[i]
            let isDigit = c >= 48 && c <= 57
            if !isIdentifier(c) || (isDigit && i == start + 1) { return nil }
            i += 1
        }
        guard i < s.count else { return nil }
        let tagLength = i - start + 1
        var j = i + 1
        while j + tagLength <= s.count {
            if s[j] == UInt8(ascii: "$") {
                var matches = true
                for k in 0..<tagLength where s[j + k] != s[start + k] {
                    matches = false
                    break
                }
                if matches { return j + tagLength }
            }
            j += 1
        }
        return s.count
    }
}
