extension TSQLTranslator {
    /// Whether `tokens` hold a typed value (a parameter or variable), whose declared type may need converting to
    /// the column it is written to.
    static func hasTypedValues(_ tokens: ArraySlice<TSQLToken>) -> Bool {
        tokens.contains { $0.kind == .variable }
    }

    /// A value written to a column of `target` when it is a lone parameter or variable of another type: SQL
    /// Server converts it implicitly where its conversion chart allows (a `nvarchar` parameter into an `int`
    /// column, NULL or not — what ODBC drivers send for an untyped NULL), so the sandbox writes
    /// `CAST(@p AS target)`, whose failure is SQL Server's conversion error (245, 241, 8114, 8169, …); where the
    /// chart refuses, the statement fails as in SQL Server (257, 206), whatever the value. `nil` leaves the value
    /// as it is (literals, expressions, the same type).
    func convertedValue(_ item: ArraySlice<TSQLToken>, to target: TSQLType) throws(SQLServerMessage) -> [TSQLToken]? {
        guard item.count == 1, let token = item.first, token.kind == .variable,
            let source = variables[token.text.lowercased()], source != target
        else { return nil }
        if let refusal = source.implicitConversionError(to: target, line: token.line) { throw refusal }
        guard source.conversionFamily != target.conversionFamily || Self.needsCastWithinFamily(source, target) else {
            return nil
        }
        if case .datetimeoffset = target { return nil }  // written through tds_sandbox.dto by adapt(_:to:)
        func word(_ text: String, space: Bool = true) -> TSQLToken {
            TSQLToken(kind: .word, text: text, line: token.line, spaceBefore: space)
        }
        func symbol(_ text: String) -> TSQLToken {
            TSQLToken(kind: .symbol, text: text, line: token.line, spaceBefore: false)
        }
        var typeTokens = [word(target.conversionName)]
        if let arguments = target.description.firstIndex(of: "(") {
            let inside = target.description[target.description.index(after: arguments)...].dropLast()
            typeTokens.append(symbol("("))
            for (index, part) in inside.split(separator: ",").enumerated() {
                if index > 0 { typeTokens.append(symbol(",")) }
                typeTokens.append(
                    part == "max"
                        ? word("max", space: false)
                        : TSQLToken(kind: .number, text: String(part), line: token.line, spaceBefore: false))
            }
            typeTokens.append(symbol(")"))
        }
        return [word("CAST", space: token.spaceBefore), symbol("("), token, word("AS")] + typeTokens + [symbol(")")]
    }

    /// Within a family PostgreSQL assigns by itself, except between the legacy and modern date/time types' text
    /// forms and numbers of different kinds, which it also handles; only bit (boolean) needs an explicit CAST.
    private static func needsCastWithinFamily(_ source: TSQLType, _ target: TSQLType) -> Bool {
        switch (source, target) {
        case (.bit, _), (_, .bit): return true
        default: return false
        }
    }
}
