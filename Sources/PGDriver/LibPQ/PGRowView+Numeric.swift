import CLibPQ

extension PGRowView {
    /// A binary `numeric` field as an integer scaled to `scale` fraction digits, rounded half away from zero (the
    /// conversion SQL Server applies), with its sign (`negative` only when the result is not zero); `nil` for
    /// NaN or an infinity, a malformed value, or a result that does not fit in `UInt64`.
    ///
    /// Digits beyond the value's display scale count as zero, as in its text form. The value is read a base-10000
    /// group at a time (one multiply-add per group; only a group cut by `scale` or the display scale is divided).
    package func scaledNumeric(_ column: Int, scale: Int) -> (negative: Bool, magnitude: UInt64)? {
        let bytes = UnsafeRawBufferPointer(
            start: PQgetvalue(result.pointer, row, Int32(column)),
            count: Int(PQgetlength(result.pointer, row, Int32(column))))
        guard bytes.count >= 8, scale >= 0 else { return nil }
        let count = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: Int16.self)))
        let weight = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: Int16.self)))
        let sign = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        let displayScale = Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self)))
        guard sign == 0x0000 || sign == 0x4000, count >= 0, bytes.count == 8 + 2 * count else { return nil }
        func group(_ index: Int) -> UInt64 {
            guard index >= 0, index < count else { return 0 }
            return UInt64(
                truncatingIfNeeded: Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 8 + 2 * index, as: Int16.self))
            )
        }
        /// Fraction group `k` (1 = the first four fraction digits), its digits past the display scale zeroed.
        func fractionGroup(_ k: Int) -> UInt64 {
            let value = group(weight + k)
            let kept = displayScale - 4 * (k - 1)
            guard kept < 4 else { return value }
            guard kept > 0 else { return 0 }
            let unit = Self.powerOf10(4 - kept)
            return value / unit * unit
        }
        func append(_ magnitude: UInt64, _ factor: UInt64, _ value: UInt64) -> UInt64? {
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: factor)
            let (sum, overflow2) = times.addingReportingOverflow(value)
            return overflow1 || overflow2 ? nil : sum
        }
        var magnitude: UInt64 = 0
        // The integer part: the groups of positions weight...0.
        if weight >= 0 {
            for index in 0...weight {
                guard let next = append(magnitude, 10_000, group(index)) else { return nil }
                magnitude = next
            }
        }
        // The fraction: `scale` digits, then the digit that rounds.
        var remaining = scale
        var k = 1
        var roundDigit: UInt64 = 0
        while true {
            let value = fractionGroup(k)
            if remaining >= 4 {
                guard let next = append(magnitude, 10_000, value) else { return nil }
                magnitude = next
                remaining -= 4
                k += 1
                if remaining == 0 {
                    roundDigit = fractionGroup(k) / 1000
                    break
                }
                continue
            }
            if remaining == 0 {
                roundDigit = value / 1000
                break
            }
            let cut = Self.powerOf10(4 - remaining)
            guard let next = append(magnitude, Self.powerOf10(remaining), value / cut) else { return nil }
            magnitude = next
            roundDigit = value / (cut / 10) % 10
            break
        }
        if roundDigit >= 5 {
            let (rounded, overflow) = magnitude.addingReportingOverflow(1)
            guard !overflow else { return nil }
            magnitude = rounded
        }
        return (sign == 0x4000 && magnitude != 0, magnitude)
    }

    /// 10^`exponent`, `exponent` 0...4.
    @inline(__always)
    private static func powerOf10(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1000
        default: return 10_000
        }
    }
}
