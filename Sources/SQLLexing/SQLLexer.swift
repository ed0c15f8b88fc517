/// What DBCore's placeholder rewriting needs from a dialect's lexer: the role of the token at a byte offset.
///
/// Each dialect has one lexer (``TSQLTokenizer`` for SQL Server, ``PGStatementScanner`` for PostgreSQL); DBCore's
/// `SQLDialect` picks it, so the rewriting knows no dialect's quoting.
package protocol SQLLexer {
    /// The role and end of the token that starts at byte `start` of `bytes` (`start` is inside `bytes`).
    static func span(in bytes: [UInt8], at start: Int) -> SQLSpan
}

/// A token as the placeholder rewriting sees it.
package struct SQLSpan: Sendable, Hashable {
    /// What a span is to the placeholder rewriting.
    package enum Role: Sendable, Hashable {
        /// Whitespace or a comment: copied, ends no statement.
        case trivia
        /// A string literal, quoted identifier or dollar quote: copied byte for byte (`%` in it is data).
        case quoted
        /// A `;` outside the above.
        case semicolon
        /// Anything else: a `%` at its start begins a DB-API placeholder.
        case code
    }

    /// The role.
    package var role: Role
    /// The bytes.
    package var range: Range<Int>

    /// Creates a span.
    package init(role: Role, range: Range<Int>) {
        self.role = role
        self.range = range
    }
}

extension TSQLTokenizer: SQLLexer {
    /// The token at `start` as a ``SQLSpan``.
    package static func span(in bytes: [UInt8], at start: Int) -> SQLSpan {
        let token = token(in: bytes, at: start)
        let role: SQLSpan.Role
        switch token.kind {
        case .whitespace, .comment: role = .trivia
        case .string, .quotedIdentifier: role = .quoted
        case .symbol where bytes[start] == UInt8(ascii: ";"): role = .semicolon
        default: role = .code
        }
        return SQLSpan(role: role, range: token.range)
    }
}

extension PGStatementScanner: SQLLexer {
    /// The token at `start` as a ``SQLSpan``.
    package static func span(in bytes: [UInt8], at start: Int) -> SQLSpan {
        let token = token(in: bytes, at: start)
        let role: SQLSpan.Role
        switch token.kind {
        case .whitespace, .comment: role = .trivia
        case .string, .quotedIdentifier, .dollarQuoted: role = .quoted
        case .symbol where bytes[start] == UInt8(ascii: ";"): role = .semicolon
        default: role = .code
        }
        return SQLSpan(role: role, range: token.range)
    }
}
