import DBCore

/// FreeTDS's `DBNUMERIC` / `DBDECIMAL` layout (35 bytes): `precision`, `scale`, then `array[33]` whose first byte is
/// the sign (1 = negative, FreeTDS flips TDS's wire sign) followed by the magnitude, big-endian, in
/// `bytesPerPrecision[precision] - 1` bytes (FreeTDS's `tds_numeric_bytes_per_prec`).
enum DBNumericCodec {
    /// The size of a `DBNUMERIC`.
    static let size = 35
    /// The largest precision SQL Server accepts.
    static let maxPrecision = 38

    /// Bytes (sign included) FreeTDS uses for each precision (`tds_numeric_bytes_per_prec`).
    static let bytesPerPrecision: [Int] = [
        1,
        2, 2, 3, 3, 4, 4, 4, 5, 5,
        6, 6, 6, 7, 7, 8, 8, 9, 9, 9,
        10, 10, 11, 11, 11, 12, 12, 13, 13, 14,
        14, 14, 15, 15, 16, 16, 16, 17, 17, 18,
        18, 19, 19, 19, 20, 20, 21, 21, 21, 22,
        22, 23, 23, 24, 24, 24, 25, 25, 26, 26,
        26, 27, 27, 28, 28, 28, 29, 29, 30, 30,
        31, 31, 31, 32, 32, 33, 33, 33,
    ]

    /// Decodes a `DBNUMERIC` exactly, keeping its scale (`DECIMAL(38,10)` stays 38 digits, no rounding).
    static func decode(_ raw: UnsafeRawBufferPointer) throws -> SQLDecimal {
        guard raw.count >= 3 else { throw DatabaseError.typeMismatch("a DECIMAL value of \(raw.count) bytes") }
        let precision = Int(raw[0])
        let scale = Int(raw[1])
        guard precision >= 1, precision < bytesPerPrecision.count, scale <= precision else {
            throw DatabaseError.typeMismatch("a DECIMAL with precision \(precision) and scale \(scale)")
        }
        let end = min(raw.count, 2 + bytesPerPrecision[precision])
        let negative = raw[2] != 0
        if end - 3 <= 8 {
            // Up to 19 digits (precision ≤ 19 here; larger precisions take 9+ bytes): one UInt64, written straight
            // into canonical text.
            var magnitude: UInt64 = 0
            for index in 3..<end { magnitude = magnitude << 8 | UInt64(raw[index]) }
            return canonicalDecimal(magnitude: magnitude, scale: scale, negative: negative)
        }
        let digits = decimalDigits(bigEndian: Array(raw[3..<end]))
        return makeDecimal(digits: digits, scale: scale, negative: negative)
    }

    /// The decimal `±magnitude × 10^-scale` as canonical text (`-12.50`, `0.05`; no sign for zero), built in one
    /// buffer without parsing.
    static func canonicalDecimal(magnitude: UInt64, scale: Int, negative: Bool) -> SQLDecimal {
        // 20 digits, a sign, a dot and the leading zeros of a small fraction fit in 64 bytes up to scale 38.
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let text = withUnsafeMutableBytes(of: &buffer) { bytes -> String in
            var position = bytes.count
            var rest = magnitude
            var written = 0
            // The fraction's digits, then the dot, then at least one integer digit.
            while written < scale {
                position -= 1
                bytes[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
                written += 1
            }
            if scale > 0 {
                position -= 1
                bytes[position] = UInt8(ascii: ".")
            }
            repeat {
                position -= 1
                bytes[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
            } while rest > 0
            if negative && magnitude != 0 {
                position -= 1
                bytes[position] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position...]), as: UTF8.self)
        }
        return SQLDecimal(canonicalText: text) ?? makeDecimal(digits: String(magnitude), scale: scale, negative: negative)
    }

    /// Builds SQLDecimal text from the digits of the unscaled integer.
    static func makeDecimal(digits: String, scale: Int, negative: Bool) -> SQLDecimal {
        var text = digits
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        }
        if negative { text = "-" + text }
        return SQLDecimal(text) ?? SQLDecimal(0)
    }

    /// The decimal digits of a big-endian unsigned integer (`"0"` for zero).
    static func decimalDigits(bigEndian bytes: [UInt8]) -> String {
        var magnitude = Array(bytes.drop(while: { $0 == 0 }))
        if magnitude.count <= 8 {
            var value: UInt64 = 0
            for byte in magnitude { value = value << 8 | UInt64(byte) }
            return String(value)
        }
        var chunks: [UInt32] = []  // base 10^9, least significant first
        while !magnitude.isEmpty {
            var remainder: UInt64 = 0
            var quotient: [UInt8] = []
            quotient.reserveCapacity(magnitude.count)
            for byte in magnitude {
                let current = remainder << 8 | UInt64(byte)
                let digit = current / 1_000_000_000
                remainder = current % 1_000_000_000
                if !(quotient.isEmpty && digit == 0) { quotient.append(UInt8(digit)) }
            }
            chunks.append(UInt32(remainder))
            magnitude = quotient
        }
        var text = String(chunks.last ?? 0)
        for chunk in chunks.dropLast().reversed() {
            let part = String(chunk)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
    }

    /// Encodes a decimal as a `DBNUMERIC` at its own precision and scale (FreeTDS then sends
    /// `bytesPerPrecision[precision]` bytes, which SQL Server and the TDS sandbox read). Throws for more than 38
    /// digits.
    static func encode(_ value: SQLDecimal) throws -> (bytes: [UInt8], precision: Int, scale: Int) {
        if let fast = encodeSmall(value) { return fast }
        return try encodeGeneral(value)
    }

    /// ``encode(_:)`` for any number of digits, a digit at a time.
    static func encodeGeneral(_ value: SQLDecimal) throws -> (bytes: [UInt8], precision: Int, scale: Int) {
        let scale = value.scale
        var digits = value.description.filter { $0.isASCII && $0.isNumber }
        digits = String(digits.drop(while: { $0 == "0" }))
        let precision = max(digits.count, scale, 1)
        guard precision <= maxPrecision else {
            throw DatabaseError(
                kind: .dataException,
                message: "a decimal of \(precision) digits does not fit SQL Server's DECIMAL(38)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        bytes[0] = UInt8(precision)
        bytes[1] = UInt8(scale)
        bytes[2] = value.isNegative ? 1 : 0
        let width = bytesPerPrecision[precision] - 1
        var magnitude = [UInt8](repeating: 0, count: width)  // big-endian
        for character in digits.utf8 {
            var carry = UInt32(character - 48)
            for index in stride(from: width - 1, through: 0, by: -1) {
                let product = UInt32(magnitude[index]) * 10 + carry
                magnitude[index] = UInt8(product & 0xFF)
                carry = product >> 8
            }
        }
        bytes.replaceSubrange(3..<(3 + width), with: magnitude)
        return (bytes, precision, scale)
    }

    /// ``encode(_:)`` for up to 18 digits in one pass over the canonical text (`-`? digits (`.` digits)?), with
    /// the magnitude in a UInt64; `nil` for longer values, which take the general path.
    static func encodeSmall(_ value: SQLDecimal) -> (bytes: [UInt8], precision: Int, scale: Int)? {
        var text = value.description
        return text.withUTF8 { utf8 -> (bytes: [UInt8], precision: Int, scale: Int)? in
            var magnitude: UInt64 = 0
            var significant = 0
            var scale = 0
            var inFraction = false
            var negative = false
            for (index, byte) in utf8.enumerated() {
                switch byte {
                case UInt8(ascii: "-") where index == 0:
                    negative = true
                case UInt8(ascii: "."):
                    guard !inFraction else { return nil }
                    inFraction = true
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if inFraction { scale += 1 }
                    if magnitude != 0 || byte != UInt8(ascii: "0") { significant += 1 }
                    guard significant <= 18 else { return nil }
                    magnitude = magnitude * 10 + UInt64(byte - UInt8(ascii: "0"))
                default:
                    return nil
                }
            }
            // A scale beyond SQL Server's 38 goes to the general path, which refuses it with a clear error.
            guard scale <= maxPrecision else { return nil }
            let precision = max(significant, scale, 1)
            var bytes = [UInt8](repeating: 0, count: size)
            bytes[0] = UInt8(precision)
            bytes[1] = UInt8(scale)
            bytes[2] = negative ? 1 : 0
            let width = bytesPerPrecision[precision] - 1
            var rest = magnitude
            var index = 3 + width - 1
            while index >= 3 {
                bytes[index] = UInt8(truncatingIfNeeded: rest)
                rest >>= 8
                index -= 1
            }
            return (bytes, precision, scale)
        }
    }
}
