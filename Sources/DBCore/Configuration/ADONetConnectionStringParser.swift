/// Splits an ADO.NET connection string (`Key=Value;Key="quoted; value";…`) into its pairs, following the
/// `DbConnectionStringBuilder` rules: keys are trimmed and `==` in a key is a literal `=`; a value is trimmed, and a
/// value that starts with `"` or `'` runs to the matching quote, a doubled quote standing for one; empty pairs
/// (`;;`) and a trailing `;` are allowed.
enum ADONetConnectionStringParser {
    /// One pair as written, with the 1-based character position of its key.
    struct Pair {
        var key: String
        var value: String
        var position: Int
    }

    private static func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }

    /// Whether the key names a password, whose value and neighbourhood are never echoed in errors.
    static func isSecretKey(_ key: String) -> Bool {
        let folded = normalize(key)
        return folded == "password" || folded == "pwd" || folded == "psw" || folded == "sslpassword"
    }

    /// The key folded for lookup: lowercased, without whitespace (`Initial Catalog` → `initialcatalog`).
    static func normalize(_ key: String) -> String {
        String(key.lowercased().filter { !isSpace($0) })
    }

    /// The pairs in order; throws with the key and character position of the first malformation.
    static func pairs(in text: String) throws -> [Pair] {
        let characters = Array(text)
        var pairs: [Pair] = []
        var index = 0
        var previousWasSecret = false

        while true {
            while index < characters.count && (isSpace(characters[index]) || characters[index] == ";") { index += 1 }
            guard index < characters.count else { break }
            let keyStart = index
            var key = ""
            var foundEquals = false
            while index < characters.count && characters[index] != ";" {
                if characters[index] == "=" {
                    if index + 1 < characters.count && characters[index + 1] == "=" {
                        key.append("=")
                        index += 2
                        continue
                    }
                    foundEquals = true
                    index += 1
                    break
                }
                key.append(characters[index])
                index += 1
            }
            key = key.trimmingASCIIWhitespace()
            // A fragment right after an unquoted password may be the rest of a password that contains ';'.
            let shownKey = previousWasSecret ? "after the password" : "'\(key)'"
            guard foundEquals else {
                let hint = previousWasSecret ? " (enclose a password that contains ';' in double quotes)" : ""
                throw DatabaseError.invalidConfiguration(
                    "missing '=' for key \(shownKey) at character \(keyStart + 1) in connection string\(hint)")
            }
            guard !key.isEmpty else {
                throw DatabaseError.invalidConfiguration(
                    "missing key before '=' at character \(index) in connection string")
            }
            let secret = isSecretKey(key)
            while index < characters.count && isSpace(characters[index]) { index += 1 }
            var value = ""
            if index < characters.count && (characters[index] == "\"" || characters[index] == "'") {
                let quote = characters[index]
                let quoteStart = index
                index += 1
                var closed = false
                while index < characters.count {
                    if characters[index] == quote {
                        if index + 1 < characters.count && characters[index + 1] == quote {
                            value.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    value.append(characters[index])
                    index += 1
                }
                guard closed else {
                    throw DatabaseError.invalidConfiguration(
                        "unterminated quoted value for key \(shownKey) at character \(quoteStart + 1) "
                            + "in connection string")
                }
                while index < characters.count && isSpace(characters[index]) { index += 1 }
                if index < characters.count && characters[index] != ";" {
                    let shown = secret ? "" : " '\(characters[index])'"
                    throw DatabaseError.invalidConfiguration(
                        "unexpected character\(shown) at character \(index + 1) after the quoted value for key "
                            + "\(shownKey) in connection string")
                }
                previousWasSecret = false
            } else {
                while index < characters.count && characters[index] != ";" {
                    value.append(characters[index])
                    index += 1
                }
                value = value.trimmingASCIIWhitespace()
                previousWasSecret = secret
            }
            pairs.append(Pair(key: key, value: value, position: keyStart + 1))
        }
        return pairs
    }
}
