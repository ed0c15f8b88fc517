import DBCore
import SQLLexing

/// The last step of rendering a built statement for SQL Server, over its tokens (the one T-SQL lexer,
/// `TSQLTokenizer` in SQLLexing; comments are left alone): writes `"quoted"` identifiers as
/// `[quoted]` and string literals as `N'…'` (Unicode), turns `ON DELETE/UPDATE RESTRICT` into `NO ACTION` (T-SQL's
/// name for it), and refuses any PostgreSQL-only construct left by an expression the dialect does not rewrite
/// (`LIMIT`, `RETURNING`, `ON CONFLICT`, `ILIKE`, `FOR UPDATE`/`FOR SHARE`, `CREATE … IF NOT EXISTS`, `::` casts), so
/// nothing SQL Server would misread is sent.
enum TSQLFinalPass {
    /// The T-SQL text for `sql`.
    ///
    /// - Throws: ``DBCore/DatabaseError/Kind/unsupported`` naming the construct.
    static func finish(_ sql: String) throws -> String {
        try finishWithLayout(sql).sql
    }

    /// ``finish(_:)``, and what its lexer pass found in the result (where the `@Pn` placeholders are, several
    /// statements or one), which the driver reuses instead of lexing the statement again.
    static func finishWithLayout(_ sql: String) throws -> (sql: String, layout: StatementLayout) {
        let tokenizer = TSQLTokenizer(sql)
        let bytes = tokenizer.bytes
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        /// The upper-cased words and symbols so far (literals as `'`, quoted identifiers as `[]`).
        var words: [String] = []
        var placeholders: [StatementLayout.Placeholder] = []
        var afterSemicolon = false
        var multipleStatements = false
        for token in tokenizer.tokens {
            if token.kind != .whitespace && token.kind != .comment {
                let isSemicolon = tokenizer.isSymbol(token, ";")
                multipleStatements = multipleStatements || (afterSemicolon && !isSemicolon)
                afterSemicolon = afterSemicolon || isSemicolon
            }
            let text = bytes[token.range]
            switch token.kind {
            case .whitespace, .comment:
                output += text
                continue
            case .string:
                if text.first! | 0x20 != UInt8(ascii: "n") { output.append(UInt8(ascii: "N")) }
                output += text
                words.append("'")
            case .quotedIdentifier where text.first == UInt8(ascii: "\""):
                // `"a""b]"` becomes `[a"b]]]`.
                output.append(UInt8(ascii: "["))
                let inner = text.dropFirst().dropLast(token.isUnterminated ? 0 : 1)
                var index = inner.startIndex
                while index < inner.endIndex {
                    let byte = inner[index]
                    output.append(byte)
                    if byte == UInt8(ascii: "]") { output.append(byte) }
                    index += byte == UInt8(ascii: "\"") ? 2 : 1
                }
                output.append(UInt8(ascii: "]"))
                words.append("[]")
            case .quotedIdentifier:
                output += text
                words.append("[]")
            case .symbol where text.elementsEqual("::".utf8):
                throw SQLServerDialect.unsupported("a PostgreSQL '::' cast")
            case .parameter(let position):
                placeholders.append(
                    StatementLayout.Placeholder(range: output.count..<(output.count + text.count), position: position))
                words.append(tokenizer.text(token.range).uppercased())
                output += text
            case .word:
                let word = tokenizer.text(token.range)
                words.append(word.uppercased())
                output += rewriteWord(word, after: words.dropLast()).utf8
            default:
                words.append(tokenizer.text(token.range).uppercased())
                output += text
            }
            try check(words)
        }
        let layout = StatementLayout(placeholders: placeholders, containsMultipleStatements: multipleStatements)
        return (String(decoding: output, as: UTF8.self), layout)
    }

    /// `RESTRICT` after `ON DELETE` / `ON UPDATE` is T-SQL's `NO ACTION`.
    private static func rewriteWord(_ word: String, after previous: ArraySlice<String>) -> String {
        if word.uppercased() == "RESTRICT", previous.count >= 2,
            previous[previous.endIndex - 2] == "ON", ["DELETE", "UPDATE"].contains(previous.last!)
        {
            return "NO ACTION"
        }
        return word
    }

    /// Refuses a PostgreSQL-only construct ending at the latest word.
    private static func check(_ words: [String]) throws {
        guard let last = words.last else { return }
        let previous = words.count >= 2 ? words[words.count - 2] : ""
        switch last {
        case "LIMIT": throw SQLServerDialect.unsupported("LIMIT")
        case "RETURNING": throw SQLServerDialect.unsupported("RETURNING")
        case "ILIKE": throw SQLServerDialect.unsupported("ILIKE")
        case "CONFLICT" where previous == "ON": throw SQLServerDialect.unsupported("ON CONFLICT")
        case "UPDATE" where previous == "FOR", "SHARE" where previous == "FOR":
            throw SQLServerDialect.unsupported("FOR \(last) (a locking clause SQLKit rendered itself)")
        case "EXISTS" where previous == "NOT" && words.count >= 3 && words[words.count - 3] == "IF":
            // `IF NOT EXISTS (subquery)` is T-SQL; `CREATE … IF NOT EXISTS name` is not.
            if words.count >= 4, ["TABLE", "INDEX", "SCHEMA", "VIEW"].contains(words[words.count - 4]) {
                throw SQLServerDialect.unsupported("CREATE … IF NOT EXISTS")
            }
        default: break
        }
    }
}
