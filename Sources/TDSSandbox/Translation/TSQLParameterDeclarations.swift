import SQLLexing

/// One parameter of an `sp_executesql` / `sp_prepare` declaration string.
struct TSQLParameterDeclaration: Sendable, Hashable {
    /// The lower-cased name with its `@`.
    var name: String
    /// The name as written.
    var spelling: String
    /// The declared type.
    var type: TSQLType
    /// Whether it is declared `OUTPUT` (or `OUT`).
    var isOutput: Bool
}

extension TSQLParameterDeclaration {
    /// Parses `@P1 nvarchar(4000), @P2 int, @P3 decimal(12,2) OUTPUT`.
    static func parse(_ text: String) throws(SQLServerMessage) -> [TSQLParameterDeclaration] {
        let tokens = try TSQLTokenizer.tokenize(text)
        guard !tokens.isEmpty else { return [] }
        var declarations: [TSQLParameterDeclaration] = []
        var seen: Set<String> = []
        for item in TSQLRewriter.splitAtCommas(tokens[...]) {
            var cursor = TSQLTokenCursor(tokens: item)
            guard let name = cursor.next(), name.kind == .variable else { throw .incorrectSyntax(near: item.first) }
            _ = cursor.skip(word: "AS")
            // sql_variant parameters hold any base type; the sandbox binds them as text (nvarchar(4000)), which
            // CAST, comparisons and column assignments convert as SQL Server converts character data.
            let type = cursor.skip(word: "SQL_VARIANT") ? .nvarchar(4000) : try cursor.readType(defaultLength: 1)
            let isOutput = cursor.skip(word: "OUTPUT") || cursor.skip(word: "OUT")
            _ = cursor.skip(word: "READONLY")
            guard cursor.isAtEnd else { throw cursor.syntaxError() }
            let lowercased = name.text.lowercased()
            guard seen.insert(lowercased).inserted else {
                throw SQLServerMessage(
                    number: 134, severity: 15,
                    message:
                        "The variable name '\(name.text)' has already been declared. Variable names must be unique within a query batch or stored procedure.",
                    line: name.line)
            }
            declarations.append(
                TSQLParameterDeclaration(name: lowercased, spelling: name.text, type: type, isOutput: isOutput))
        }
        return declarations
    }
}
