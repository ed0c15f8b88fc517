import SQLLexing

/// Translates DB-API placeholders (`%s`, `%(name)s`, `%%`) into a dialect's native ones (`$1`, `@P1`).
///
/// It walks the tokens of the dialect's one lexer (``SQLDialect``: PostgreSQL's scanner or the T-SQL tokenizer), so
/// everything in which a `%` is data, not a placeholder, is passed on byte for byte: string literals, quoted
/// identifiers, comments, and whatever else the dialect quotes (PostgreSQL's `E'...'` and dollar quotes, SQL Server's
/// `[...]`); `%%` inside a literal stays `%%`. The same pass records where the native placeholders went and whether
/// the text holds several statements, which the statement carries to the driver (it does not lex it again).
public enum PlaceholderLexer {
    /// Which placeholder style a statement uses.
    public enum Style: Sendable, Hashable {
        /// No placeholders.
        case none
        /// `%s` placeholders; the count of them.
        case positional(Int)
        /// `%(name)s` placeholders; the distinct names in the order of their native positions.
        case named([String])
    }

    /// A statement rewritten to native placeholders, before values are attached.
    public struct Plan: Sendable, Hashable {
        /// The SQL with native placeholders and `%%` turned into `%`.
        public var sql: String
        /// The placeholder style found.
        public var style: Style
        /// What the lexer pass found in ``sql``.
        package var layout: StatementLayout
    }

    /// Rewrites `sql` for `dialect`; throws ``DatabaseError/Kind/invalidParameters`` for an unknown `%x`,
    /// an unterminated `%(`, or a mix of `%s` and `%(name)s`.
    public static func plan(_ sql: String, dialect: SQLDialect) throws -> Plan {
        try plan(sql, dialect: dialect, lexer: dialect.lexer)
    }

    private static func plan<Lexer: SQLLexer>(_ sql: String, dialect: SQLDialect, lexer: Lexer.Type) throws -> Plan {
        let input = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 8)
        var placeholders: [StatementLayout.Placeholder] = []
        var positionalCount = 0
        var names: [String] = []
        var nameIndex: [String: Int] = [:]
        var afterSemicolon = false
        var multipleStatements = false
        var index = 0

        func fail(_ message: String) -> DatabaseError {
            DatabaseError(kind: .invalidParameters, message: message, statement: sql)
        }
        /// The 1-based character (Unicode scalar) position of byte `offset`, for messages.
        func character(_ offset: Int) -> Int {
            input[..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        }
        func writePlaceholder(_ position: Int) {
            let start = output.count
            output.append(contentsOf: dialect.placeholder(position).utf8)
            placeholders.append(StatementLayout.Placeholder(range: start..<output.count, position: position))
        }

        while index < input.count {
            guard input[index] == UInt8(ascii: "%") else {
                // Every token but a placeholder goes out as it is.
                let span = Lexer.span(in: input, at: index)
                switch span.role {
                case .trivia: break
                case .semicolon: afterSemicolon = true
                case .quoted, .code: multipleStatements = multipleStatements || afterSemicolon
                }
                output.append(contentsOf: input[span.range])
                index = span.range.upperBound
                continue
            }
            multipleStatements = multipleStatements || afterSemicolon
            guard index + 1 < input.count else {
                throw fail("a lone '%' ends the statement; write '%%' for a literal percent sign")
            }
            let next = input[index + 1]
            if next == UInt8(ascii: "%") {
                output.append(UInt8(ascii: "%"))
                index += 2
            } else if next == UInt8(ascii: "s") {
                guard names.isEmpty else { throw fail("the statement mixes %s and %(name)s placeholders") }
                positionalCount += 1
                writePlaceholder(positionalCount)
                index += 2
            } else if next == UInt8(ascii: "(") {
                guard positionalCount == 0 else { throw fail("the statement mixes %s and %(name)s placeholders") }
                var end = index + 2
                while end < input.count && input[end] != UInt8(ascii: ")") { end += 1 }
                guard end < input.count else {
                    throw fail("unterminated '%(' at character \(character(index)): write %(name)s")
                }
                guard end + 1 < input.count, input[end + 1] == UInt8(ascii: "s") else {
                    throw fail("the placeholder starting at character \(character(index)) is not of the form %(name)s")
                }
                let name = String(decoding: input[(index + 2)..<end], as: UTF8.self)
                guard !name.isEmpty else { throw fail("a %()s placeholder has an empty name") }
                let position: Int
                if let known = nameIndex[name] {
                    position = known
                } else {
                    names.append(name)
                    position = names.count
                    nameIndex[name] = position
                }
                writePlaceholder(position)
                index = end + 2
            } else {
                var scalarEnd = index + 2
                while scalarEnd < input.count && input[scalarEnd] & 0xC0 == 0x80 { scalarEnd += 1 }
                let shown = String(decoding: input[(index + 1)..<scalarEnd], as: UTF8.self)
                throw fail(
                    "unsupported placeholder '%\(shown)' at character \(character(index)): use %s, %(name)s, or %% "
                        + "for a literal percent sign")
            }
        }
        let style: Style = !names.isEmpty ? .named(names) : positionalCount > 0 ? .positional(positionalCount) : .none
        let layout = StatementLayout(placeholders: placeholders, containsMultipleStatements: multipleStatements)
        return Plan(sql: String(decoding: output, as: UTF8.self), style: style, layout: layout)
    }

    /// Rewrites `sql` and attaches positional values; the count of `%s` must equal the count of values.
    public static func bind(_ sql: String, positional values: [SQLValue], dialect: SQLDialect) throws -> BoundStatement
    {
        let plan = try plan(sql, dialect: dialect)
        switch plan.style {
        case .none where values.isEmpty:
            return BoundStatement(sql: plan.sql, parameters: [], layout: plan.layout)
        case .positional(let count) where count == values.count:
            return BoundStatement(sql: plan.sql, parameters: values, layout: plan.layout)
        case .named:
            throw DatabaseError(
                kind: .invalidParameters, message: "the statement uses %(name)s placeholders; pass a dictionary",
                statement: sql)
        case .none, .positional:
            let count: Int
            if case .positional(let n) = plan.style { count = n } else { count = 0 }
            throw DatabaseError(
                kind: .invalidParameters,
                message: "the statement has \(count) %s placeholder(s) but \(values.count) parameter(s) were given",
                statement: sql)
        }
    }

    /// Rewrites `sql` and attaches named values; every `%(name)s` needs a value (extra values are ignored).
    public static func bind(
        _ sql: String, named values: [String: SQLValue], dialect: SQLDialect
    ) throws -> BoundStatement {
        let plan = try plan(sql, dialect: dialect)
        switch plan.style {
        case .none:
            return BoundStatement(sql: plan.sql, parameters: [], layout: plan.layout)
        case .positional:
            throw DatabaseError(
                kind: .invalidParameters, message: "the statement uses %s placeholders; pass an array", statement: sql)
        case .named(let names):
            let parameters = try names.map { name in
                guard let value = values[name] else {
                    throw DatabaseError(
                        kind: .invalidParameters, message: "no value for parameter '\(name)'", statement: sql)
                }
                return value
            }
            return BoundStatement(sql: plan.sql, parameters: parameters, layout: plan.layout)
        }
    }
}
