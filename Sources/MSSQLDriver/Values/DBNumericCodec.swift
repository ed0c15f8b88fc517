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

    /// A `DBNUMERIC` as its unscaled integer and scale, read straight from the bytes without making text; `nil`
    /// when the magnitude does not fit an `Int64` (never for a precision of 18 or less).
    @inline(__always)
    static func scaled(_ raw: UnsafeRawBufferPointer) throws -> (unscaled: Int64, scale: Int)? {
        guard raw.count >= 3 else { throw DatabaseError.typeMismatch("a DECIMAL value of \(raw.count) bytes") }
        let precision = Int(raw[0])
        let scale = Int(raw[1])
        guard precision >= 1, precision <= maxPrecision, scale <= precision else {
            throw DatabaseError.typeMismatch("a DECIMAL with precision \(precision) and scale \(scale)")
        }
        let width = bytesPerPrecision[precision] &- 1
        if width <= 8, raw.count >= 11 {
            // Precision ≤ 19: the magnitude's `width` big-endian bytes are the top of one 8-byte load (a full
            // `DBNUMERIC` is 35 bytes, so the load stays inside the value), shifted down past the bytes after them.
            let word = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 3, as: UInt64.self))
            let magnitude = word >> UInt64(truncatingIfNeeded: (8 &- width) &* 8)
            guard magnitude <= UInt64(Int64.max) else { return nil }
            let value = Int64(magnitude)
            return (raw[2] != 0 ? -value : value, scale)
        }
        let end = min(raw.count, 2 &+ bytesPerPrecision[precision])
        var magnitude: UInt64 = 0
        var index = 3
        while index < end {
            guard magnitude >> 56 == 0 else { return nil }
            magnitude = magnitude << 8 | UInt64(raw[index])
            index &+= 1
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        let value = Int64(magnitude)
        return (raw[2] != 0 ? -value : value, scale)
    }

    /// `bytesPerPrecision[p] - 2` (the magnitude's bytes less one) for the precisions p = 1…19, 3 bits each, p = 1
    /// in the lowest bits.
    static let magnitudeWidthsUpTo19: UInt64 = 0x1ffd_ad92_3692_240

    /// The shape of the `DBNUMERIC`s of precision 1…19 whose first bytes (precision, scale) are those at `value`,
    /// for ``scaled(_:shape:)``: the two bytes as one little-endian `UInt16` (bits 0–15), the right shift that drops
    /// the bytes after the magnitude from an 8-byte load (bits 16–23), and bit 31 set; `nil` for any other precision
    /// or a scale above the precision. A result column's values all have one shape (FreeTDS sets both bytes from the
    /// column).
    @inline(__always)
    static func shapeUpTo19Digits(_ value: UnsafeRawPointer) -> UInt32? {
        let precision = Int(value.load(as: UInt8.self))
        let scale = Int(value.load(fromByteOffset: 1, as: UInt8.self))
        guard UInt(bitPattern: precision &- 1) < 19, scale <= precision else { return nil }
        let width =
            Int(truncatingIfNeeded: (magnitudeWidthsUpTo19 >> UInt64(truncatingIfNeeded: (precision &- 1) &* 3)) & 7)
            &+ 1
        let shift = UInt32(truncatingIfNeeded: (8 &- width) &* 8)
        return 1 << 31 | shift << 16 | UInt32(value.loadUnaligned(as: UInt16.self))
    }

    /// A `DBNUMERIC` of `shape` (``shapeUpTo19Digits(_:)``) as its unscaled integer and scale, read with one 8-byte
    /// load (as ``scaled(_:)``) from its first byte `value`, of a value at least 11 bytes long; `nil` when its first
    /// bytes are not the shape's, or its magnitude is above `Int64.max` (``scaled(_:)`` then reads or refuses it).
    @inline(__always)
    static func scaled(_ value: UnsafeRawPointer, shape: UInt32) -> (unscaled: Int64, scale: Int)? {
        guard shape >> 31 != 0, UInt32(value.loadUnaligned(as: UInt16.self)) == shape & 0xFFFF else { return nil }
        let word = UInt64(bigEndian: value.loadUnaligned(fromByteOffset: 3, as: UInt64.self))
        let magnitude = word >> UInt64(truncatingIfNeeded: (shape >> 16) & 0xFF)
        guard magnitude <= UInt64(Int64.max) else { return nil }
        let unscaled = Int64(magnitude)
        let scale = Int(truncatingIfNeeded: (shape >> 8) & 0xFF)
        return (value.load(fromByteOffset: 2, as: UInt8.self) != 0 ? -unscaled : unscaled, scale)
    }

    /// A `DBNUMERIC` of precision 1…19 read through its own shape (``shapeUpTo19Digits(_:)``,
    /// ``scaled(_:shape:)``); `nil` for other precisions or a magnitude above `Int64.max`.
    static func scaledUpTo19Digits(_ value: UnsafeRawPointer) -> (unscaled: Int64, scale: Int)? {
        shapeUpTo19Digits(value).flatMap { scaled(value, shape: $0) }
    }

    /// The two ASCII digits of 0…99, in order.
    private static let digitPairs: StaticString = """
        0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
        5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
        """

    /// The decimal `±magnitude × 10^-scale` as canonical text (`-12.50`, `0.05`; no sign for zero): the digits are
    /// written two at a time at the end of a stack buffer, then copied once into the string's storage (no
    /// allocation up to 15 bytes), without parsing or checking the text again.
    static func canonicalDecimal(magnitude: UInt64, scale: Int, negative: Bool) -> SQLDecimal {
        // 20 digits, or `scale + 1` of them with leading zeros (scale ≤ 38), fit in 64 bytes.
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let text = withUnsafeMutableBytes(of: &buffer) { raw -> String in
            let digits = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let pairs = digitPairs.utf8Start
            var start = raw.count
            var rest = magnitude
            while rest >= 100 {
                let pair = Int(truncatingIfNeeded: rest % 100) &* 2
                rest /= 100
                start -= 2
                digits[start] = pairs[pair]
                digits[start + 1] = pairs[pair + 1]
            }
            if rest >= 10 {
                let pair = Int(truncatingIfNeeded: rest) &* 2
                start -= 2
                digits[start] = pairs[pair]
                digits[start + 1] = pairs[pair + 1]
            } else {
                start -= 1
                digits[start] = UInt8(truncatingIfNeeded: 48 &+ rest)
            }
            let minimum = min(scale + 1, raw.count)
            while raw.count - start < minimum {
                start -= 1
                digits[start] = UInt8(ascii: "0")
            }
            let count = raw.count - start
            let integerDigits = count - scale
            let sign = negative && magnitude != 0
            let length = count + (scale > 0 ? 1 : 0) + (sign ? 1 : 0)
            return String(unsafeUninitializedCapacity: length) { out in
                let base = out.baseAddress!
                var position = 0
                if sign {
                    base[0] = UInt8(ascii: "-")
                    position = 1
                }
                (base + position).update(from: digits + start, count: integerDigits)
                position += integerDigits
                if scale > 0 {
                    base[position] = UInt8(ascii: ".")
                    (base + position + 1).update(from: digits + start + integerDigits, count: scale)
                    position += 1 + scale
                }
                return position
            }
        }
        return SQLDecimal(uncheckedCanonicalText: text)
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
