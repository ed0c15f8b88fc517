import DBCore
import Foundation

/// The last step of rendering a built statement for SQL Server, over its text: writes `"quoted"` identifiers as
/// `[quoted]` and string literals as `N'…'` (Unicode), turns `ON DELETE/UPDATE RESTRICT` into `NO ACTION` (T-SQL's
/// name for it), and refuses any PostgreSQL-only construct left by an expression the dialect does not rewrite
/// (`LIMIT`, `RETURNING`, `ON CONFLICT`, `ILIKE`, `FOR UPDATE`/`FOR SHARE`, `CREATE … IF NOT EXISTS`, `::` casts), so
/// nothing SQL Server would misread is sent.
enum TSQLFinalPass {
    /// The T-SQL text for `sql`.
    ///
    /// - Throws: ``DBCore/DatabaseError/Kind/unsupported`` naming the construct.
    static func finish(_ sql: String) throws -> String {
        let characters = Array(sql)
        var output = ""
        output.reserveCapacity(characters.count + 16)
        var words: [String] = []
        var index = 0
        func flushWord(_ word: inout String) {
            guard !word.isEmpty else { return }
            words.append(word.uppercased())
            output += rewriteWord(word, after: words.dropLast())
            word = ""
        }
        var word = ""
        while index < characters.count {
            let character = characters[index]
            if character.isLetter || character.isNumber || character == "_" || character == "@" || character == "#"
                || character == "$"
            {
                word.append(character)
                index += 1
                continue
            }
            let startsLiteral = character == "'"
            let hasNPrefix = startsLiteral && word.uppercased() == "N"
            flushWord(&word)
            switch character {
            case "'":
                var end = index + 1
                while end < characters.count {
                    if characters[end] == "'" {
                        if end + 1 < characters.count, characters[end + 1] == "'" { end += 2; continue }
                        break
                    }
                    end += 1
                }
                if !hasNPrefix { output += "N" }
                output += String(characters[index...min(end, characters.count - 1)])
                words.append("'")
                index = end + 1
            case "\"":
                var end = index + 1
                var name = ""
                while end < characters.count {
                    if characters[end] == "\"" {
                        if end + 1 < characters.count, characters[end + 1] == "\"" {
                            name.append("\"")
                            end += 2
                            continue
                        }
                        break
                    }
                    name.append(characters[end])
                    end += 1
                }
                output += "[" + name.replacingOccurrences(of: "]", with: "]]") + "]"
                words.append("[]")
                index = end + 1
            case "[":
                var end = index + 1
                while end < characters.count {
                    if characters[end] == "]" {
                        if end + 1 < characters.count, characters[end + 1] == "]" { end += 2; continue }
                        break
                    }
                    end += 1
                }
                output += String(characters[index...min(end, characters.count - 1)])
                words.append("[]")
                index = end + 1
            case ":" where index + 1 < characters.count && characters[index + 1] == ":":
                throw SQLServerDialect.unsupported("a PostgreSQL '::' cast")
            default:
                if !character.isWhitespace { words.append(String(character)) }
                output.append(character)
                index += 1
            }
            try check(words)
        }
        flushWord(&word)
        try check(words)
        return output
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
