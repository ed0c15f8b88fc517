extension TSQLTranslator {
    /// The columns of a table (by its PostgreSQL name), from a CREATE TABLE earlier in the batch or the resolver.
    mutating func tableColumns(_ table: String) -> [CatalogColumn]? {
        if let known = knownTables[table] { return known }
        guard let resolver = columnResolver, let columns = resolver(table) else { return nil }
        knownTables[table] = columns
        return columns
    }

    /// `0`/`1` as a PostgreSQL boolean literal token, or `nil` when `item` is something else.
    static func booleanLiteral(_ item: ArraySlice<TSQLToken>) -> TSQLToken? {
        guard item.count == 1, let token = item.first, token.kind == .number, token.text == "0" || token.text == "1"
        else { return nil }
        return TSQLToken(
            kind: .word, text: token.text == "1" ? "TRUE" : "FALSE", line: token.line, spaceBefore: token.spaceBefore)
    }

    /// Whether the tokens hold something a column's type may change: a bare `0`/`1` (bit), a string or a variable
    /// (datetimeoffset).
    private static func mayNeedAdapting(_ tokens: ArraySlice<TSQLToken>) -> Bool {
        tokens.contains {
            ($0.kind == .number && ($0.text == "0" || $0.text == "1")) || $0.isString || $0.kind == .variable
        }
    }

    /// Whether a table has columns whose values the translator adapts.
    private static func hasAdaptedColumns(_ columns: [CatalogColumn]) -> Bool {
        columns.contains { column in
            switch column.type {
            case .bit, .datetimeoffset: return true
            default: return false
            }
        }
    }

    /// The value written to a column of `type`: `0`/`1` as FALSE/TRUE for bit, `CAST(value AS datetimeoffset)` for
    /// datetimeoffset (stored as a composite that text does not convert to by itself).
    private static func adapt(_ item: ArraySlice<TSQLToken>, to type: TSQLType) -> [TSQLToken] {
        switch type {
        case .bit:
            return booleanLiteral(item).map { [$0] } ?? Array(item)
        case .datetimeoffset:
            guard let first = item.first, !(item.count == 1 && first.isWord("NULL")), !first.isWord("DEFAULT") else {
                return Array(item)
            }
            func token(_ kind: TSQLToken.Kind, _ text: String, space: Bool = false) -> TSQLToken {
                TSQLToken(kind: kind, text: text, line: first.line, spaceBefore: space)
            }
            return [token(.word, "CAST", space: first.spaceBefore), token(.symbol, "(")] + Array(item)
                + [token(.word, "AS", space: true), token(.word, "datetimeoffset", space: true), token(.symbol, ")")]
        default:
            return Array(item)
        }
    }

    /// `INSERT … VALUES (…)`: values written to `bit` and `datetimeoffset` columns are adapted (see
    /// `adapt(_:to:)`): PostgreSQL's boolean accepts no integers (T-SQL's bit does), and the sandbox's
    /// datetimeoffset is made from text by a function.
    mutating func adaptValues(
        _ values: ArraySlice<TSQLToken>, table: String, columnNames: [String]?
    ) throws(SQLServerMessage) -> ArraySlice<TSQLToken> {
        guard values.first?.isWord("VALUES") == true, Self.mayNeedAdapting(values), let columns = tableColumns(table),
            Self.hasAdaptedColumns(columns) || Self.hasTypedValues(values)
        else { return values }
        let names = columnNames ?? columns.map { $0.name.lowercased() }
        let types = Dictionary(columns.map { ($0.name.lowercased(), $0.type) }, uniquingKeysWith: { first, _ in first })
        var output = [values[values.startIndex]]
        var index = values.startIndex + 1
        while index < values.endIndex {
            let token = values[index]
            guard token.isSymbol("("), let end = try? TSQLTokenCursor(tokens: values).matchingParenthesis(from: index)
            else {
                output.append(token)
                index += 1
                continue
            }
            output.append(token)
            let items = TSQLRewriter.splitAtCommas(values[(index + 1)..<(end - 1)])
            for (position, item) in items.enumerated() {
                if position > 0 {
                    output.append(TSQLToken(kind: .symbol, text: ",", line: token.line, spaceBefore: false))
                }
                if position < names.count, let type = types[names[position]] {
                    output.append(contentsOf: try convertedValue(item, to: type) ?? Self.adapt(item, to: type))
                } else {
                    output.append(contentsOf: item)
                }
            }
            output.append(values[end - 1])
            index = end
        }
        return output[...]
    }

    /// `UPDATE t SET col = value, …`: as ``adaptValues(_:table:columnNames:)`` for single-token values.
    mutating func adaptAssignments(
        _ body: ArraySlice<TSQLToken>, table: String
    ) throws(SQLServerMessage) -> ArraySlice<TSQLToken> {
        guard Self.mayNeedAdapting(body), let columns = tableColumns(table),
            Self.hasAdaptedColumns(columns) || Self.hasTypedValues(body)
        else { return body }
        let types = Dictionary(columns.map { ($0.name.lowercased(), $0.type) }, uniquingKeysWith: { first, _ in first })
        let input = Array(body)
        var output: [TSQLToken] = []
        var index = 0
        while index < input.count {
            let isAssignment =
                index + 2 < input.count && input[index].isIdentifier && input[index + 1].isSymbol("=")
                && (index + 3 == input.count || input[index + 3].isSymbol(",")
                    || input[index + 3].keyword.map({ ["WHERE", "OUTPUT", "FROM", "OPTION"].contains($0) }) == true)
                && (index == 0 || !input[index - 1].isSymbol("."))
            if isAssignment, let type = types[input[index].text.lowercased()] {
                output.append(contentsOf: input[index...(index + 1)])
                let value = input[(index + 2)...(index + 2)]
                output.append(contentsOf: try convertedValue(value, to: type) ?? Self.adapt(value, to: type))
                index += 3
                continue
            }
            output.append(input[index])
            index += 1
        }
        return output[...]
    }
}
