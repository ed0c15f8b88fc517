import Foundation

/// Rewrites T-SQL token sequences (expressions, clauses, whole DML statements) into PostgreSQL text: folds
/// identifiers to lower case, maps `dbo` to `public`, turns `@variables` into typed `$n` placeholders and
/// `@@functions` into their PostgreSQL equivalents, rewrites T-SQL functions, `CAST`/`CONVERT` types and `TOP`.
struct TSQLRewriter {
    /// The variables in scope (lower-cased name with `@` → declared type).
    var variables: [String: TSQLType]
    /// The placeholders used so far, `$1` first.
    var parameters: [ParameterReference] = []

    init(variables: [String: TSQLType]) {
        self.variables = variables
    }

    /// A PostgreSQL identifier for a T-SQL one: lower-cased (SQL Server is case-insensitive), quoted when it is
    /// not a plain lower-case identifier or when it was quoted/bracketed in T-SQL (e.g. `[user]`).
    static func identifier(_ token: TSQLToken) -> String {
        let name = token.text.lowercased()
        if token.kind == .word, !name.hasPrefix("#"),
            name.unicodeScalars.allSatisfy({ ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" })
        {
            return name
        }
        return quote(name)
    }

    /// `"name"` with `"` doubled.
    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A PostgreSQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The placeholder for a variable (adding it on first use), cast to its declared type.
    mutating func placeholder(_ token: TSQLToken) throws(SQLServerMessage) -> String {
        let name = token.text.lowercased()
        guard let type = variables[name] else { throw .undeclaredVariable(token.text, line: token.line) }
        return placeholder(name: name, type: type)
    }

    /// The placeholder for a named value of a known type.
    mutating func placeholder(name: String, type: TSQLType) -> String {
        let index: Int
        if let existing = parameters.firstIndex(where: { $0.name == name }) {
            index = existing + 1
        } else {
            parameters.append(ParameterReference(name: name, type: type))
            index = parameters.count
        }
        if case .datetimeoffset = type { return TSQLRewriter.cast("$\(index)", to: type) }
        return "CAST($\(index) AS \(type.postgresStorageType))"
    }

    /// Rewrites a token sequence.
    mutating func rewrite(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> String {
        var output = SQLText()
        var index = tokens.startIndex
        while index < tokens.endIndex {
            let token = tokens[index]
            let cursor = TSQLTokenCursor(tokens: tokens)
            switch token.kind {
            case .symbol where token.text == "(":
                let end = try cursor.matchingParenthesis(from: index)
                let inner = tokens[(index + 1)..<(end - 1)]
                let text: String
                if let first = inner.first, first.isWord("SELECT") || first.isWord("WITH") {
                    text = try rewriteQuery(inner).sql
                } else {
                    text = try rewrite(inner)
                }
                output.append("(" + text + ")", space: token.spaceBefore)
                index = end
                continue
            case .word where token.isWord("WITH") && Self.isTableHint(tokens, after: index):
                // Table hints (WITH (NOLOCK), …) have no PostgreSQL meaning: PostgreSQL's MVCC never blocks readers.
                index = try cursor.matchingParenthesis(from: index + 1)
                continue
            case .word where token.isWord("SELECT"):
                output.append(try rewriteSelect(tokens[index...]).sql, space: true)
                return output.text
            case .word:
                let next = index + 1 < tokens.endIndex ? tokens[index + 1] : nil
                if next?.isSymbol("(") == true, !Self.nonFunctionKeywords.contains(token.text.uppercased()) {
                    let end = try cursor.matchingParenthesis(from: index + 1)
                    let call = try rewriteFunction(token, arguments: tokens[(index + 2)..<(end - 1)])
                    output.append(call.sql, space: token.spaceBefore)
                    index = end
                    continue
                }
                output.append(try rewriteWord(token, next: next), space: token.spaceBefore)
            case .quotedIdentifier:
                let next = index + 1 < tokens.endIndex ? tokens[index + 1] : nil
                output.append(try rewriteWord(token, next: next), space: token.spaceBefore)
            case .string:
                let previous = index > tokens.startIndex ? tokens[index - 1] : nil
                if previous?.isWord("LIKE") == true, token.text.contains("[") {
                    // T-SQL LIKE's [a-z] classes mean nothing to PostgreSQL's LIKE: refuse rather than match wrongly.
                    throw .unsupported("LIKE patterns with [ ] character classes", line: token.line)
                }
                if previous?.isWord("AS") == true {
                    output.append(Self.quote(token.text), space: token.spaceBefore)
                } else {
                    try Self.checkTemporalPrecision(token)
                    output.append(Self.literal(token.text), space: token.spaceBefore)
                }
            case .number:
                output.append(token.text, space: token.spaceBefore)
            case .binary:
                output.append("'\\x\(token.text)'::bytea", space: token.spaceBefore)
            case .variable:
                output.append(try placeholder(token), space: token.spaceBefore)
            case .systemVariable:
                output.append(try systemVariable(token), space: token.spaceBefore)
            case .symbol:
                output.append(try Self.symbol(token), space: token.spaceBefore)
            }
            index += 1
        }
        return output.text
    }

    /// The table hints `WITH (…)` may hold.
    static let tableHints: Set<String> = [
        "NOLOCK", "READUNCOMMITTED", "READCOMMITTED", "ROWLOCK", "UPDLOCK", "HOLDLOCK", "PAGLOCK", "TABLOCK",
        "TABLOCKX", "XLOCK", "READPAST", "NOWAIT", "SERIALIZABLE", "REPEATABLEREAD",
    ]

    /// Whether `WITH` at `index` starts a table hint list.
    static func isTableHint(_ tokens: ArraySlice<TSQLToken>, after index: Int) -> Bool {
        guard index + 2 < tokens.endIndex, tokens[index + 1].isSymbol("("), let hint = tokens[index + 2].keyword else {
            return false
        }
        return tableHints.contains(hint)
    }

    /// Keywords that may be followed by `(` without being a function call.
    static let nonFunctionKeywords: Set<String> = [
        "IN", "AS", "VALUES", "EXISTS", "AND", "OR", "NOT", "ON", "WHERE", "WHEN", "THEN", "ELSE", "INTO", "FROM",
        "JOIN", "KEY", "REFERENCES", "UNIQUE", "CHECK", "DEFAULT", "SELECT", "IS", "LIKE", "BETWEEN", "OVER",
        "TABLE", "RETURNING", "SET", "ALL", "ANY", "SOME", "UNION", "EXCEPT", "INTERSECT", "BY", "WITH", "LIMIT",
        "PRIMARY", "FOREIGN", "INDEX", "USING", "INCLUDE", "RETURN", "CASE", "TOP", "OUTPUT",
    ]

    private func rewriteWord(_ token: TSQLToken, next: TSQLToken?) throws(SQLServerMessage) -> String {
        if next?.isSymbol(".") == true, token.text.caseInsensitiveEquals("dbo") { return "public" }
        if next?.isSymbol(".") == true, token.kind == .word, token.text.caseInsensitiveEquals("INFORMATION_SCHEMA") {
            return SandboxCatalog.informationSchema
        }
        guard token.kind == .word else { return Self.identifier(token) }
        switch token.text.uppercased() {
        case "CURRENT_TIMESTAMP": return "LOCALTIMESTAMP(3)"
        case "NVARCHAR", "VARCHAR", "NCHAR", "DATETIME", "DATETIME2", "UNIQUEIDENTIFIER", "TINYINT", "BIT",
            "MONEY", "SMALLMONEY", "DATETIMEOFFSET", "SMALLDATETIME", "VARBINARY", "BINARY":
            // A type name outside CAST/CONVERT/DDL (e.g. ALTER TABLE … ADD c nvarchar): parse it where it stands.
            guard let type = TSQLType.parse(name: token.text, arguments: [], defaultLength: 1) else {
                throw .unknownType(token.text, line: token.line)
            }
            return type.postgresStorageType
        default:
            if Self.keywords.contains(token.text.uppercased()) { return token.text.uppercased() }
            return Self.identifier(token)
        }
    }

    /// SQL keywords, written upper-case in the output (identifiers are folded to lower case).
    static let keywords: Set<String> = [
        "FROM", "WHERE", "AND", "OR", "NOT", "NULL", "IS", "IN", "AS", "ON", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER",
        "FULL", "CROSS", "GROUP", "BY", "ORDER", "HAVING", "ASC", "DESC", "VALUES", "SET", "PRIMARY", "KEY", "FOREIGN",
        "REFERENCES", "UNIQUE", "CHECK", "DEFAULT", "CONSTRAINT", "CASE", "WHEN", "THEN", "ELSE", "END", "LIKE",
        "BETWEEN", "EXISTS", "DISTINCT", "UNION", "ALL", "EXCEPT", "INTERSECT", "DELETE", "UPDATE", "INSERT", "INTO",
        "CASCADE", "NO", "ACTION", "TABLE", "INDEX", "VIEW", "CREATE", "DROP", "ALTER", "ADD", "COLUMN", "TRUNCATE",
        "ESCAPE", "OVER", "PARTITION", "ROWS", "OFFSET", "FETCH", "NEXT", "ONLY", "WITH", "TRUE", "FALSE", "SCHEMA",
        "IF", "ANY", "SOME", "SELECT", "RETURNING", "LIMIT", "NULLS", "FIRST", "LAST", "ROW",
    ]

    private static func symbol(_ token: TSQLToken) throws(SQLServerMessage) -> String {
        switch token.text {
        case "!<": return ">="
        case "!>": return "<="
        case "^": return "#"  // T-SQL's ^ is exclusive or; PostgreSQL's is a power.
        case "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "{", "}", "`", "\\":
            throw .incorrectSyntax(near: token)
        default: return token.text
        }
    }

    /// PostgreSQL keeps microseconds; a literal with a non-zero 100-ns digit would be rounded silently, so it is
    /// rejected.
    static func checkTemporalPrecision(_ token: TSQLToken) throws(SQLServerMessage) {
        let scalars = Array(token.text.unicodeScalars)
        guard scalars.count >= 15, scalars.count <= 40 else { return }
        var digits = 0
        var afterColonDot = false
        for (offset, scalar) in scalars.enumerated() {
            if scalar == ".", offset >= 3, scalars[offset - 3] == ":" {
                afterColonDot = true
                digits = 0
            } else if afterColonDot, scalar.properties.numericType != nil {
                digits += 1
                if digits == 7, scalar != "0" {
                    throw SQLServerMessage(
                        number: 241, severity: 16,
                        message: "Conversion failed when converting date and/or time from character string: "
                            + "the TDS sandbox stores at most 6 fractional digits (microseconds), and '\(token.text)' "
                            + "has a non-zero 7th digit.",
                        line: token.line)
                }
            } else {
                afterColonDot = false
            }
        }
    }
}

/// PostgreSQL text being built from tokens, with a space between tokens where T-SQL had one or where two
/// words would otherwise run together.
struct SQLText {
    private(set) var text = ""

    mutating func append(_ piece: String, space: Bool) {
        guard !piece.isEmpty else { return }
        if !text.isEmpty,
            space || (Self.isWordEdge(text.unicodeScalars.last) && Self.isWordEdge(piece.unicodeScalars.first))
        {
            text += " "
        }
        text += piece
    }

    private static func isWordEdge(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" || scalar == "$"
            || scalar == "\"" || scalar == "'"
    }
}
