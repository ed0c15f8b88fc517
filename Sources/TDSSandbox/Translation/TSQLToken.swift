import Foundation

/// One lexical token of a T-SQL batch.
struct TSQLToken: Sendable, Hashable {
    /// What a token is.
    enum Kind: Sendable, Hashable {
        /// An unquoted word: a keyword, an identifier or a function name (`text` is as written).
        case word
        /// A `[bracketed]` or `"quoted"` identifier; `text` is the unquoted name.
        case quotedIdentifier
        /// A string literal; `text` is the unescaped content; `isUnicode` for `N'...'`.
        case string(isUnicode: Bool)
        /// A number such as `42`, `1.5` or `2e10`.
        case number
        /// A `0x…` binary literal; `text` is the hex digits without `0x`.
        case binary
        /// A local variable or parameter such as `@id`; `text` includes the `@`.
        case variable
        /// A system function such as `@@ROWCOUNT`; `text` includes the `@@`.
        case systemVariable
        /// An operator or punctuation: `(`, `)`, `,`, `.`, `;`, `=`, `<>`, `+`, …
        case symbol
    }

    /// The kind.
    var kind: Kind
    /// The text (see ``Kind`` for what it holds per kind).
    var text: String
    /// The 1-based line the token starts on.
    var line: Int
    /// Whether whitespace or a comment came right before the token.
    var spaceBefore: Bool

    /// Whether this is the unquoted word `keyword` (case-insensitive).
    func isWord(_ keyword: String) -> Bool {
        kind == .word && text.caseInsensitiveEquals(keyword)
    }

    /// Whether this is the symbol `symbol`.
    func isSymbol(_ symbol: String) -> Bool {
        kind == .symbol && text == symbol
    }

    /// The upper-cased text of a word, or `nil` for other kinds.
    var keyword: String? {
        kind == .word ? text.uppercased() : nil
    }

    /// Whether this is a string literal.
    var isString: Bool {
        if case .string = kind { return true }
        return false
    }

    /// Whether this token names something (a word or a quoted identifier).
    var isIdentifier: Bool {
        kind == .word || kind == .quotedIdentifier
    }

    /// The token as T-SQL text, for error messages (`Incorrect syntax near '…'`).
    var sourceText: String {
        switch kind {
        case .quotedIdentifier: return text
        case .string(let unicode): return (unicode ? "N'" : "'") + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .binary: return "0x" + text
        default: return text
        }
    }
}

extension String {
    /// ASCII case-insensitive equality (T-SQL keywords and identifiers).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        count == other.count && lowercased() == other.lowercased()
    }
}
