/// Unsigned integer arithmetic on little-endian 32-bit limbs, for the 4–16 byte magnitudes of DECIMAL/NUMERIC
/// and MONEY values.
enum DecimalMagnitude {
    /// The little-endian bytes of the number whose decimal digits are `digits` (ASCII '0'–'9' only), padded to
    /// `byteCount`; `nil` when the number does not fit.
    static func bytes(fromDigits digits: Substring, byteCount: Int) -> [UInt8]? {
        var limbs = [UInt32](repeating: 0, count: (byteCount + 3) / 4)
        for character in digits.utf8 {
            guard character >= 48, character <= 57 else { return nil }
            var carry = UInt64(character - 48)
            for index in limbs.indices {
                let product = UInt64(limbs[index]) * 10 + carry
                limbs[index] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            if carry != 0 { return nil }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limbs.count * 4)
        for limb in limbs {
            for shift in stride(from: 0, to: 32, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: limb >> UInt32(shift)))
            }
        }
        guard bytes[byteCount...].allSatisfy({ $0 == 0 }) else { return nil }
        return Array(bytes.prefix(byteCount))
    }

    /// The decimal digits of the little-endian magnitude `bytes` (at least "0").
    static func digits(fromBytes bytes: [UInt8]) -> String {
        var limbs: [UInt32] = []
        var index = 0
        while index < bytes.count {
            var limb: UInt32 = 0
            for offset in 0..<4 where index + offset < bytes.count {
                limb |= UInt32(bytes[index + offset]) << UInt32(offset * 8)
            }
            limbs.append(limb)
            index += 4
        }
        var chunks: [UInt32] = []  // base 10^9, least significant first
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for position in limbs.indices.reversed() {
                let value = (remainder << 32) | UInt64(limbs[position])
                limbs[position] = UInt32(value / 1_000_000_000)
                remainder = value % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
        }
        guard let last = chunks.last else { return "0" }
        var text = String(last)
        for chunk in chunks.dropLast().reversed() {
            let part = String(chunk)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
    }

    /// The value's digits scaled to `scale` fraction digits (rounded half away from zero, as SQL Server converts),
    /// and its sign; `nil` never (the text of an ``SQLDecimal`` is always valid).
    static func scaledDigits(of decimal: String, scale: Int) -> (negative: Bool, digits: String) {
        var body = Substring(decimal)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts.first.map(String.init) ?? "0"
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        var roundUp = false
        if fraction.count > scale {
            let dropped = fraction.dropFirst(scale)
            roundUp = (dropped.first.map { $0 >= "5" }) ?? false
            fraction = String(fraction.prefix(scale))
        } else {
            fraction += String(repeating: "0", count: scale - fraction.count)
        }
        var digits = Array((integer + fraction).utf8)
        if roundUp {
            var index = digits.count - 1
            var carry = true
            while carry && index >= 0 {
                if digits[index] == 57 {
                    digits[index] = 48
                    index -= 1
                } else {
                    digits[index] += 1
                    carry = false
                }
            }
            if carry { digits.insert(49, at: 0) }
        }
        var text = String(decoding: digits, as: UTF8.self)
        while text.count > 1 && text.hasPrefix("0") { text.removeFirst() }
        let isZero = text.allSatisfy { $0 == "0" }
        return (negative && !isZero, text)
    }

    /// The decimal text of `digits` with `scale` fraction digits and an optional minus sign.
    static func decimalText(negative: Bool, digits: String, scale: Int) -> String {
        var padded = digits
        if padded.count <= scale { padded = String(repeating: "0", count: scale - padded.count + 1) + padded }
        let text: String
        if scale > 0 {
            let split = padded.index(padded.endIndex, offsetBy: -scale)
            text = padded[..<split] + "." + padded[split...]
        } else {
            text = padded
        }
        return negative ? "-" + text : text
    }
}
