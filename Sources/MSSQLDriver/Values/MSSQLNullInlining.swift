/// Writes `NULL` in place of the placeholders whose value is NULL.
///
/// A parameter always has a declared type, and no T-SQL type converts implicitly to every other one: a NULL sent
/// as `NVARCHAR(4000)` cannot go into a `VARBINARY` column on SQL Server (error 257), and the TDS sandbox also
/// refuses it for `BIT`, numeric and date columns. The literal `NULL` takes the type of wherever it is used, as
/// pymssql's client-side `NULL` does. Only whole placeholder tokens outside string literals, quoted or bracketed
/// identifiers and comments are replaced; the parameter itself is still declared and sent (as NULL), so the
/// numbering of the others does not change.
enum MSSQLNullInlining {
    /// `sql` with each `@Pn` token whose 1-based `n` is in `positions` replaced by `NULL`.
    static func inline(_ sql: String, positions: Set<Int>) -> String {
        guard !positions.isEmpty else { return sql }
        let input = Array(sql.unicodeScalars)
        var output = String.UnicodeScalarView()
        output.reserveCapacity(input.count)
        var index = 0
        func copy(until end: Int) {
            output.append(contentsOf: input[index..<min(end, input.count)])
            index = min(end, input.count)
        }
        while index < input.count {
            let scalar = input[index]
            switch scalar {
            case "'": copy(until: endOfQuoted(input, from: index, closing: "'"))
            case "\"": copy(until: endOfQuoted(input, from: index, closing: "\""))
            case "[": copy(until: endOfQuoted(input, from: index, closing: "]"))
            case "-" where index + 1 < input.count && input[index + 1] == "-":
                var end = index
                while end < input.count && input[end] != "\n" { end += 1 }
                copy(until: end)
            case "/" where index + 1 < input.count && input[index + 1] == "*":
                copy(until: endOfBlockComment(input, from: index))
            case "@":
                var end = index + 1
                while end < input.count && isIdentifierScalar(input[end]) { end += 1 }
                let token = String(String.UnicodeScalarView(input[index..<end]))
                let previous = index > 0 ? input[index - 1] : " "
                if !isIdentifierScalar(previous) && previous != "@", let position = placeholderPosition(token),
                    positions.contains(position)
                {
                    output.append(contentsOf: "NULL".unicodeScalars)
                    index = end
                } else {
                    copy(until: end)
                }
            default:
                output.append(scalar)
                index += 1
            }
        }
        return String(output)
    }

    /// The `n` of a `@Pn` token (any case), or `nil`.
    private static func placeholderPosition(_ token: String) -> Int? {
        guard token.count > 2, token.hasPrefix("@P") || token.hasPrefix("@p") else { return nil }
        let digits = token.dropFirst(2)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else { return nil }
        return Int(digits)
    }

    private static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "@" || scalar == "#" || scalar == "$" || scalar.properties.isAlphabetic
            || ("0"..."9").contains(scalar)
    }

    /// The index just past a quoted run opened at `start`; a doubled closing character escapes itself.
    private static func endOfQuoted(_ input: [Unicode.Scalar], from start: Int, closing: Unicode.Scalar) -> Int {
        var index = start + 1
        while index < input.count {
            if input[index] == closing {
                if index + 1 < input.count && input[index + 1] == closing {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return input.count
    }

    /// The index just past a nested block comment opened at `start`.
    private static func endOfBlockComment(_ input: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < input.count {
            if input[index] == "/" && index + 1 < input.count && input[index + 1] == "*" {
                depth += 1
                index += 2
            } else if input[index] == "*" && index + 1 < input.count && input[index + 1] == "/" {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return input.count
    }
}
