extension SQLDecimal {
    /// Creates a decimal from text that is already canonical (`-12.50`, `0.001`, `7`), checking it in one pass
    /// over its bytes; returns `nil` for anything else (use ``init(_:)-(String)`` to parse general input).
    ///
    /// Drivers decoding exact binary numerics produce canonical text; this skips the general parser.
    public init?(canonicalText text: String) {
        guard SQLDecimal.isCanonical(text) else { return nil }
        self.description = text
    }

    /// Creates a decimal from text its maker guarantees canonical, without checking it: for drivers that write the
    /// canonical text themselves from a binary numeric (``init(canonicalText:)`` checks it).
    package init(uncheckedCanonicalText text: String) {
        assert(SQLDecimal.isCanonical(text), "not canonical decimal text")
        self.description = text
    }

    /// Whether `text` is `-`? digits (no redundant leading zero) (`.` digits+)? and not a negative zero.
    static func isCanonical(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            var index = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative { index = 1 }
            let integerStart = index
            var nonZero = false
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if bytes[index] != 48 { nonZero = true }
                index += 1
            }
            let integerDigits = index - integerStart
            guard integerDigits >= 1 else { return false }
            if integerDigits > 1 && bytes[integerStart] == 48 { return false }
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count else { return false }
                index += 1
                while index < bytes.count {
                    guard bytes[index] >= 48, bytes[index] <= 57 else { return false }
                    if bytes[index] != 48 { nonZero = true }
                    index += 1
                }
            }
            return !(negative && !nonZero)
        }
    }
}
