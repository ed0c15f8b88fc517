import DBCore

/// PostgreSQL `numeric` in its binary wire format: a header (digit count, weight, sign, display scale) and
/// base-10000 digits, most significant first. Decoded to exact decimal text; encoded as text (exact and simple).
enum PQNumeric {
    private static let positive: UInt16 = 0x0000
    private static let negative: UInt16 = 0x4000
    private static let notANumber: UInt16 = 0xC000
    private static let positiveInfinity: UInt16 = 0xD000
    private static let negativeInfinity: UInt16 = 0xF000

    /// "00", "01", …, "99": the two digits of `n` at offset `2 * n`.
    private static var digitPairs: StaticString {
        """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """
    }

    /// The exact value of a binary `numeric`: `.decimal`, or `.string` for `NaN`, `Infinity` and `-Infinity`
    /// (which ``SQLDecimal`` does not represent).
    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> SQLValue {
        guard bytes.count >= 8 else {
            throw DatabaseError(kind: .typeMismatch, message: "a binary numeric value has only \(bytes.count) bytes")
        }
        let count = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: Int16.self)))
        let weight = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: Int16.self)))
        let sign = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        let scale = Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self)))
        switch sign {
        case notANumber: return .string("NaN")
        case positiveInfinity: return .string("Infinity")
        case negativeInfinity: return .string("-Infinity")
        case positive, negative: break
        default:
            throw DatabaseError(
                kind: .typeMismatch, message: "a binary numeric value has sign 0x\(String(sign, radix: 16))")
        }
        guard count >= 0, bytes.count == 8 + 2 * count else {
            throw DatabaseError(kind: .typeMismatch, message: "a binary numeric value has a bad length")
        }
        func digit(_ index: Int) -> Int {
            guard index >= 0, index < count else { return 0 }
            return Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 8 + 2 * index, as: Int16.self)))
        }

        // A negative zero is written as zero (PostgreSQL does not send one; the text stays canonical).
        let minus = sign == negative && (0..<count).contains { digit($0) != 0 }
        // Written straight into the string's storage (no intermediate array; short numbers stay small strings).
        let capacity = (minus ? 1 : 0) + 4 * (max(weight, 0) + 1) + (scale > 0 ? scale + 1 : 0)
        let string = String(unsafeUninitializedCapacity: capacity) { text -> Int in
            var length = 0
            @inline(__always) func put(_ byte: UInt8) {
                text[length] = byte
                length &+= 1
            }
            // Two digits at a time from a table of "00" to "99" (a load per pair, where each digit cost a division
            // by a constant, done as a multiplication and a shift).
            @inline(__always) func putPair(_ pair: Int) {
                text[length] = digitPairs.utf8Start[2 &* pair]
                text[length &+ 1] = digitPairs.utf8Start[2 &* pair &+ 1]
                length &+= 2
            }
            @inline(__always) func putGroup(_ group: Int) {
                let high = group / 100
                putPair(high)
                putPair(group &- 100 &* high)
            }
            if minus { put(UInt8(ascii: "-")) }
            // Integer part: groups 0...weight; the first without leading zeros.
            if weight < 0 {
                put(UInt8(ascii: "0"))
            } else {
                let first = digit(0)
                if first >= 1000 {
                    putGroup(first)
                } else if first >= 100 {
                    put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: first / 100))
                    putPair(first % 100)
                } else if first >= 10 {
                    putPair(first)
                } else {
                    put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: first))
                }
                if weight >= 1 {
                    for index in 1...weight { putGroup(digit(index)) }
                }
            }
            // Fraction: `scale` digits from groups weight+1, weight+2, ...: whole groups, then the first digits of
            // the next.
            if scale > 0 {
                put(UInt8(ascii: "."))
                var left = scale
                var index = weight + 1
                while left >= 4 {
                    putGroup(digit(index))
                    index += 1
                    left -= 4
                }
                if left > 0 {
                    let group = digit(index)
                    let high = group / 100
                    if left >= 2 {
                        putPair(high)
                        if left == 3 {
                            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (group &- 100 &* high) / 10))
                        }
                    } else {
                        put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: high / 10))
                    }
                }
            }
            return length
        }
        // Canonical by construction (no sign on zero, the first group without leading zeros, a fraction only with
        // digits), unless the server sent a leading zero group, which it never does (its numerics are normalised).
        if weight < 1 || digit(0) != 0 { return .decimal(SQLDecimal(uncheckedCanonicalText: string)) }
        guard let decimal = SQLDecimal(canonicalText: string) ?? SQLDecimal(string) else {
            throw DatabaseError(kind: .typeMismatch, message: "a binary numeric value decoded to '\(string)'")
        }
        return .decimal(decimal)
    }

    /// A `money` amount in cents (the C locale's two fraction digits) as an exact decimal.
    static func decimal(cents: Int64) -> SQLDecimal {
        let negative = cents < 0
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        let text = (negative ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
        return SQLDecimal(text)!
    }
}
