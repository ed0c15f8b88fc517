extension TSQLTokenizer {
    /// The token that starts at byte `start` (which must be inside `bytes`).
    package static func token(in bytes: [UInt8], at start: Int) -> Token {
        bytes.withUnsafeBufferPointer { token(in: $0, at: start) }
    }

    /// `token(in:at:)` (the array form) over the bytes' storage (no bounds checks beyond the lexer's own).
    static func token(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Token {
        let count = bytes.count
        let byte = bytes[start]
        let next: UInt8? = start + 1 < count ? bytes[start + 1] : nil
        switch byte {
        case 0x09...0x0D, 0x20:
            return Token(kind: .whitespace, range: start..<endOfWhitespace(bytes, from: start))
        case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
            var index = start + 2
            while index < count, bytes[index] != 0x0A { index += 1 }
            return Token(kind: .comment, range: start..<index)
        case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
            let (end, closed) = endOfBlockComment(bytes, from: start)
            return Token(kind: .comment, range: start..<end, isUnterminated: !closed)
        case UInt8(ascii: "'"):
            return quoted(.string, bytes, start: start, open: start, close: UInt8(ascii: "'"))
        case _ where byte | 0x20 == UInt8(ascii: "n") && next == UInt8(ascii: "'"):
            return quoted(.string, bytes, start: start, open: start + 1, close: UInt8(ascii: "'"))
        case UInt8(ascii: "\""):
            return quoted(.quotedIdentifier, bytes, start: start, open: start, close: UInt8(ascii: "\""))
        case UInt8(ascii: "["):
            return quoted(.quotedIdentifier, bytes, start: start, open: start, close: UInt8(ascii: "]"))
        case UInt8(ascii: "0") where next == UInt8(ascii: "x") || next == UInt8(ascii: "X"):
            var index = start + 2
            while index < count, isHexDigit(bytes[index]) { index += 1 }
            return Token(kind: .binary, range: start..<index)
        case 0x30...0x39:
            return Token(kind: .number, range: start..<endOfNumber(bytes, from: start))
        case UInt8(ascii: ".") where next.map(isDigit) == true:
            return Token(kind: .number, range: start..<endOfNumber(bytes, from: start))
        case UInt8(ascii: "@"):
            let system = next == UInt8(ascii: "@")
            var index = start + (system ? 2 : 1)
            while index < count, isIdentifierPart(bytes, index) { index += 1 }
            if system { return Token(kind: .systemVariable, range: start..<index) }
            let range = start..<index
            return Token(kind: parameterNumber(bytes, range).map(Kind.parameter) ?? .variable, range: range)
        case 0x80...:
            if let length = unicodeSpaceLength(bytes, start) {
                return Token(kind: .whitespace, range: start..<endOfWhitespace(bytes, from: start + length))
            }
            return word(bytes, from: start)
        case _ where isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "#"):
            return word(bytes, from: start)
        default:
            if let next, isTwoByteOperator(byte, next) { return Token(kind: .symbol, range: start..<(start + 2)) }
            return Token(kind: .symbol, range: start..<(start + 1))
        }
    }

    private static func word(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Token {
        var index = start + 1
        while index < bytes.count, isIdentifierPart(bytes, index) { index += 1 }
        return Token(kind: .word, range: start..<index)
    }

    /// A quoted run whose opening character is at `open`: a doubled `close` escapes itself.
    private static func quoted(
        _ kind: Kind, _ bytes: UnsafeBufferPointer<UInt8>, start: Int, open: Int, close: UInt8
    ) -> Token {
        var index = open + 1
        while index < bytes.count {
            if bytes[index] == close {
                if index + 1 < bytes.count, bytes[index + 1] == close {
                    index += 2
                    continue
                }
                return Token(kind: kind, range: start..<(index + 1))
            }
            index += 1
        }
        return Token(kind: kind, range: start..<bytes.count, isUnterminated: true)
    }

    private static func endOfBlockComment(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> (end: Int, closed: Bool) {
        var depth = 0
        var index = start
        let count = bytes.count
        while index < count {
            if bytes[index] == UInt8(ascii: "/"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return (index, true) }
            } else {
                index += 1
            }
        }
        return (count, false)
    }

    private static func endOfWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                index += 1
            } else if byte >= 0x80, let length = unicodeSpaceLength(bytes, index) {
                index += length
            } else {
                break
            }
        }
        return index
    }

    /// Digits, an optional fraction, and an exponent when a digit follows its `e` (and sign).
    private static func endOfNumber(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = bytes.count
        var index = start
        while index < count, isDigit(bytes[index]) { index += 1 }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, isDigit(bytes[index]) { index += 1 }
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            var digit = index + 1
            if digit < count, bytes[digit] == UInt8(ascii: "+") || bytes[digit] == UInt8(ascii: "-") { digit += 1 }
            if digit < count, isDigit(bytes[digit]) {
                index = digit
                while index < count, isDigit(bytes[index]) { index += 1 }
            }
        }
        return index
    }

    /// The `n` of a variable that is exactly `@Pn` (`n` ≥ 1, no leading zero).
    private static func parameterNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard range.count >= 3, range.count <= 12, bytes[range.lowerBound + 1] | 0x20 == UInt8(ascii: "p"),
            bytes[range.lowerBound + 2] != UInt8(ascii: "0")
        else { return nil }
        var value = 0
        for byte in bytes[(range.lowerBound + 2)..<range.upperBound] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// The length of the UTF-8 encoding of a Unicode space (U+0085, U+00A0, U+1680, U+2000…U+200A, U+2028,
    /// U+2029, U+202F, U+205F, U+3000) at `index`, or `nil`.
    private static func unicodeSpaceLength(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int? {
        let count = bytes.count
        switch bytes[index] {
        case 0xC2 where index + 1 < count && (bytes[index + 1] == 0x85 || bytes[index + 1] == 0xA0):
            return 2
        case 0xE1 where index + 2 < count && bytes[index + 1] == 0x9A && bytes[index + 2] == 0x80:
            return 3
        case 0xE2 where index + 2 < count:
            let (second, third) = (bytes[index + 1], bytes[index + 2])
            if second == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF) && third >= 0x80 {
                return 3
            }
            return second == 0x81 && third == 0x9F ? 3 : nil
        case 0xE3 where index + 2 < count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80:
            return 3
        default:
            return nil
        }
    }

    /// Letters, digits, `_`, `#`, `@`, `$` and non-ASCII characters other than spaces continue a name.
    private static func isIdentifierPart(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        let byte = bytes[index]
        if byte >= 0x80 { return unicodeSpaceLength(bytes, index) == nil }
        return isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "#")
            || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "$")
    }

    private static func isTwoByteOperator(_ first: UInt8, _ second: UInt8) -> Bool {
        switch (first, second) {
        case (UInt8(ascii: "<"), UInt8(ascii: "=")), (UInt8(ascii: ">"), UInt8(ascii: "=")),
            (UInt8(ascii: "<"), UInt8(ascii: ">")), (UInt8(ascii: "!"), UInt8(ascii: "=")),
            (UInt8(ascii: "!"), UInt8(ascii: "<")), (UInt8(ascii: "!"), UInt8(ascii: ">")),
            (UInt8(ascii: ":"), UInt8(ascii: ":")):
            return true
        case (UInt8(ascii: "+"), UInt8(ascii: "=")), (UInt8(ascii: "-"), UInt8(ascii: "=")),
            (UInt8(ascii: "*"), UInt8(ascii: "=")), (UInt8(ascii: "/"), UInt8(ascii: "=")),
            (UInt8(ascii: "%"), UInt8(ascii: "=")), (UInt8(ascii: "&"), UInt8(ascii: "=")),
            (UInt8(ascii: "|"), UInt8(ascii: "=")), (UInt8(ascii: "^"), UInt8(ascii: "=")):
            return true
        default:
            return false
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
    }
}
