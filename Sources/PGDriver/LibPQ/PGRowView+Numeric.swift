import CLibPQ

extension PGRowView {
    /// A binary `numeric` field as an integer scaled to `scale` fraction digits, rounded half away from zero (the
    /// conversion SQL Server applies), with its sign (`negative` only when the result is not zero); `nil` for
    /// NaN or an infinity, a malformed value, or a result that does not fit in `UInt64`.
    ///
    /// Digits beyond the value's display scale count as zero, as in its text form.
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
        func group(_ index: Int) -> Int {
            guard index >= 0, index < count else { return 0 }
            return Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 8 + 2 * index, as: Int16.self)))
        }
        var magnitude: UInt64 = 0
        var roundDigit = 0
        // Decimal digits from the most significant group (power 10000^position) down to the one after `scale`.
        var position = max(weight, 0)
        scan: while true {
            let value = group(weight - position)
            var divisor = 1000
            for offset in 0..<4 {
                var digit = value / divisor % 10
                divisor /= 10
                if position < 0 {
                    let fractionIndex = (-position - 1) * 4 + offset
                    if fractionIndex >= displayScale { digit = 0 }
                    if fractionIndex == scale {
                        roundDigit = digit
                        break scan
                    }
                }
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
                guard !overflow1, !overflow2 else { return nil }
                magnitude = sum
            }
            position -= 1
        }
        if roundDigit >= 5 {
            let (rounded, overflow) = magnitude.addingReportingOverflow(1)
            guard !overflow else { return nil }
            magnitude = rounded
        }
        return (sign == 0x4000 && magnitude != 0, magnitude)
    }
}
