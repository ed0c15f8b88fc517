/// The table an `INSERT BULK` statement announces, filled by the bulk-load message that follows.
struct BulkLoadTarget: Sendable, Hashable {
    /// The PostgreSQL table name (`public.t`, `"#t"`).
    var table: String
    /// The table as the client wrote it, for messages (`dbo.t`).
    var displayName: String
    /// The PostgreSQL column names in the order the rows carry them.
    var columns: [String]
    /// The options given in `WITH (…)`, upper case (`KEEP_NULLS`, `TABLOCK`, `CHECK_CONSTRAINTS`, …).
    var options: [String]
}

extension TSQLTranslator {
    /// `INSERT BULK table (col type [COLLATE c] [NULL | NOT NULL], …) [WITH (option, …)]`, as bulk-copy clients
    /// (FreeTDS's bcp, SqlBulkCopy) send it before the bulk-load message.
    func translateInsertBulk(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst(2))
        let nameTokens = try cursor.readQualifiedName()
        let target = Self.tableName(nameTokens)
        var columns: [String] = []
        if cursor.current?.isSymbol("(") == true {
            let end = try cursor.matchingParenthesis(from: cursor.position)
            for item in TSQLRewriter.splitAtCommas(tokens[(cursor.position + 1)..<(end - 1)]) {
                guard let name = item.first, name.isIdentifier else { throw .incorrectSyntax(near: item.first) }
                columns.append(TSQLRewriter.identifier(name))
            }
            cursor.position = end
        }
        var options: [String] = []
        if cursor.skip(word: "WITH") {
            guard cursor.current?.isSymbol("(") == true else { throw cursor.syntaxError() }
            let end = try cursor.matchingParenthesis(from: cursor.position)
            for item in TSQLRewriter.splitAtCommas(tokens[(cursor.position + 1)..<(end - 1)]) {
                options.append(item.map { $0.text.uppercased() }.joined(separator: " "))
            }
            cursor.position = end
        }
        guard cursor.isAtEnd else { throw cursor.syntaxError() }
        let display = nameTokens.map(\.text).joined(separator: ".")
        return .insertBulk(BulkLoadTarget(table: target.sql, displayName: display, columns: columns, options: options))
    }
}
