/// Renumbers the `@P1`, `@P2`, … parameters of a T-SQL statement (`@P3` → `@P13` with an offset of 10), leaving
/// string literals, quoted identifiers (`"…"`, `[…]`) and comments (`-- …`, nested `/* … */`) untouched.
///
/// Used to repeat one statement for many parameter sets inside a single `sp_executesql` call.
struct TSQLParameterRenumbering {
    /// The statement cut at each parameter: the text before it, and the parameter's number (1-based).
    private var pieces: [(text: String, number: Int?)] = []

    /// Splits `sql` once; ``render(offset:)`` is then cheap for every set.
    init(_ sql: String) {
        let bytes = Array(sql.utf8)
        var pieceStart = 0
        var index = 0
        func skipQuoted(_ close: UInt8) {
            index += 1
            while index < bytes.count {
                if bytes[index] == close {
                    if index + 1 < bytes.count, bytes[index + 1] == close { index += 2; continue }
                    index += 1
                    return
                }
                index += 1
            }
        }
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x40 || byte == 0x23 || byte == 0x24 || byte >= 0x80
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"): skipQuoted(UInt8(ascii: "'"))
            case UInt8(ascii: "\""): skipQuoted(UInt8(ascii: "\""))
            case UInt8(ascii: "["): skipQuoted(UInt8(ascii: "]"))
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                var depth = 0
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                        depth += 1
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count,
                        bytes[index + 1] == UInt8(ascii: "/")
                    {
                        depth -= 1
                        index += 2
                        if depth == 0 { break }
                    } else {
                        index += 1
                    }
                }
            case UInt8(ascii: "@")
            where (index == 0 || !isWordByte(bytes[index - 1])) && index + 2 < bytes.count
                && (bytes[index + 1] | 0x20) == UInt8(ascii: "p") && bytes[index + 2] >= 0x30 && bytes[index + 2] <= 0x39:
                var end = index + 2
                while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39 { end += 1 }
                if end < bytes.count, isWordByte(bytes[end]) {
                    index = end
                    continue
                }
                let number = Int(String(decoding: bytes[(index + 2)..<end], as: UTF8.self)) ?? 0
                pieces.append((String(decoding: bytes[pieceStart..<index], as: UTF8.self), number))
                pieceStart = end
                index = end
            default:
                index += 1
            }
        }
        pieces.append((String(decoding: bytes[pieceStart...], as: UTF8.self), nil))
    }

    /// The statement with every `@Pn` written as `@P(n + offset)`, or as `NULL` when `n` is in `nulls` (a NULL
    /// parameter takes the type of where it is used, as ``MSSQLNullInlining`` explains).
    func render(offset: Int, nulls: Set<Int> = []) -> String {
        var out = ""
        for piece in pieces {
            out += piece.text
            if let number = piece.number { out += nulls.contains(number) ? "NULL" : "@P\(number + offset)" }
        }
        return out
    }
}
