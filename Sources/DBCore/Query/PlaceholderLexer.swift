/// Translates DB-API placeholders (`%s`, `%(name)s`, `%%`) into a dialect's native ones (`$1`, `@P1`).
///
/// The lexer skips everything in which a `%` is data, not a placeholder: string literals (`'...'` with `''`,
/// PostgreSQL `E'...'` with backslash escapes, SQL Server `N'...'`), quoted identifiers (`"..."`, and
/// `[...]` for SQL Server), comments (`-- ...` and nested `/* ... */`) and PostgreSQL dollar-quoted strings
/// (`$$...$$`, `$tag$...$tag$`). Text inside those is passed on byte for byte (`%%` inside a literal stays `%%`).
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
    }

    /// Rewrites `sql` for `dialect`; throws ``DatabaseError/Kind/invalidParameters`` for an unknown `%x`,
    /// an unterminated `%(`, or a mix of `%s` and `%(name)s`.
    public static func plan(_ sql: String, dialect: SQLDialect) throws -> Plan {
        var output = String.UnicodeScalarView()
        let input = Array(sql.unicodeScalars)
        var positionalCount = 0
        var names: [String] = []
        var nameIndex: [String: Int] = [:]
        var index = 0

        func fail(_ message: String) -> DatabaseError {
            DatabaseError(kind: .invalidParameters, message: message, statement: sql)
        }
        func copy(until end: Int) {
            output.append(contentsOf: input[index..<end])
            index = end
        }

        while index < input.count {
            let c = input[index]
            switch c {
            case "'":
                let escapes = dialect.backend == .postgresql && index > 0
                    && (input[index - 1] == "E" || input[index - 1] == "e")
                    && (index < 2 || !isIdentifierScalar(input[index - 2]))
                copy(until: endOfQuoted(input, from: index, close: "'", backslashEscapes: escapes))
            case "\"":
                copy(until: endOfQuoted(input, from: index, close: "\"", backslashEscapes: false))
            case "[" where dialect.backend == .sqlServer:
                copy(until: endOfQuoted(input, from: index, close: "]", backslashEscapes: false))
            case "-" where index + 1 < input.count && input[index + 1] == "-":
                var end = index + 2
                while end < input.count && input[end] != "\n" { end += 1 }
                copy(until: end)
            case "/" where index + 1 < input.count && input[index + 1] == "*":
                copy(until: endOfBlockComment(input, from: index))
            case "$" where dialect.backend == .postgresql:
                if let end = endOfDollarQuoted(input, from: index) {
                    copy(until: end)
                } else {
                    output.append(c)
                    index += 1
                }
            case "%":
                guard index + 1 < input.count else { throw fail("a lone '%' ends the statement; write '%%' for a literal percent sign") }
                let next = input[index + 1]
                if next == "%" {
                    output.append("%")
                    index += 2
                } else if next == "s" {
                    guard names.isEmpty else { throw fail("the statement mixes %s and %(name)s placeholders") }
                    positionalCount += 1
                    output.append(contentsOf: dialect.placeholder(positionalCount).unicodeScalars)
                    index += 2
                } else if next == "(" {
                    guard positionalCount == 0 else { throw fail("the statement mixes %s and %(name)s placeholders") }
                    var end = index + 2
                    while end < input.count && input[end] != ")" { end += 1 }
                    guard end < input.count else {
                        throw fail("unterminated '%(' at character \(index + 1): write %(name)s")
                    }
                    guard end + 1 < input.count, input[end + 1] == "s" else {
                        throw fail("the placeholder starting at character \(index + 1) is not of the form %(name)s")
                    }
                    let name = String(String.UnicodeScalarView(input[(index + 2)..<end]))
                    guard !name.isEmpty else { throw fail("a %()s placeholder has an empty name") }
                    let position: Int
                    if let known = nameIndex[name] {
                        position = known
                    } else {
                        names.append(name)
                        position = names.count
                        nameIndex[name] = position
                    }
                    output.append(contentsOf: dialect.placeholder(position).unicodeScalars)
                    index = end + 2
                } else {
                    throw fail(
                        "unsupported placeholder '%\(next)' at character \(index + 1): use %s, %(name)s, or %% for a literal percent sign")
                }
            default:
                output.append(c)
                index += 1
            }
        }
        let style: Style = !names.isEmpty ? .named(names) : positionalCount > 0 ? .positional(positionalCount) : .none
        return Plan(sql: String(output), style: style)
    }

    /// Rewrites `sql` and attaches positional values; the count of `%s` must equal the count of values.
    public static func bind(_ sql: String, positional values: [SQLValue], dialect: SQLDialect) throws -> BoundStatement {
        let plan = try plan(sql, dialect: dialect)
        switch plan.style {
        case .none where values.isEmpty:
            return BoundStatement(sql: plan.sql)
        case .positional(let count) where count == values.count:
            return BoundStatement(sql: plan.sql, parameters: values)
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
    public static func bind(_ sql: String, named values: [String: SQLValue], dialect: SQLDialect) throws -> BoundStatement {
        let plan = try plan(sql, dialect: dialect)
        switch plan.style {
        case .none:
            return BoundStatement(sql: plan.sql)
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
            return BoundStatement(sql: plan.sql, parameters: parameters)
        }
    }

    private static func isIdentifierScalar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c)
    }

    /// The index just past a quoted run that starts at `start` (the opening quote). Doubling the closing quote
    /// escapes it; with `backslashEscapes`, `\x` escapes any character. An unterminated run ends the input.
    private static func endOfQuoted(
        _ input: [Unicode.Scalar], from start: Int, close: Unicode.Scalar, backslashEscapes: Bool
    ) -> Int {
        var i = start + 1
        while i < input.count {
            let c = input[i]
            if backslashEscapes && c == "\\" {
                i += 2
                continue
            }
            if c == close {
                if i + 1 < input.count && input[i + 1] == close {
                    i += 2
                    continue
                }
                return i + 1
            }
            i += 1
        }
        return input.count
    }

    /// The index just past a (possibly nested) block comment starting at `start`.
    private static func endOfBlockComment(_ input: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var i = start
        while i < input.count {
            if input[i] == "/" && i + 1 < input.count && input[i + 1] == "*" {
                depth += 1
                i += 2
            } else if input[i] == "*" && i + 1 < input.count && input[i + 1] == "/" {
                depth -= 1
                i += 2
                if depth == 0 { return i }
            } else {
                i += 1
            }
        }
        return input.count
    }

    /// If a dollar quote (`$$` or `$tag$`) opens at `start`, the index just past its closing tag.
    private static func endOfDollarQuoted(_ input: [Unicode.Scalar], from start: Int) -> Int? {
        // A dollar quote cannot follow an identifier character (`a$b$` is an identifier), and a tag cannot
        // start with a digit (`$1` is a parameter).
        if start > 0 && isIdentifierScalar(input[start - 1]) { return nil }
        var i = start + 1
        while i < input.count && input[i] != "$" {
            let c = input[i]
            let isDigit = ("0"..."9").contains(c)
            if !(c == "_" || c.properties.isAlphabetic || (isDigit && i > start + 1)) { return nil }
            i += 1
        }
        guard i < input.count else { return nil }
        let tag = Array(input[start...i])
        var j = i + 1
        while j + tag.count <= input.count {
            if input[j] == "$" && Array(input[j..<(j + tag.count)]) == tag { return j + tag.count }
            j += 1
        }
        return input.count
    }
}
