import DBCore
import Testing

@testable import MSSQLDriver

/// `DBNumericCodec.scaled`, which reads a magnitude of up to 8 bytes with one load, against `decode`, which reads it
/// a byte at a time: the same value for every precision up to 19, in a full 35-byte `DBNUMERIC` whose bytes after
/// the magnitude are not zero, and in one cut to its magnitude.
@Suite("DB-Library DECIMAL as a scaled integer")
struct ScaledDecimalCodecTests {
    /// A `DBNUMERIC` of `precision` and `scale` holding `magnitude` (big-endian in FreeTDS's width), its sign byte
    /// set when `negative`; `full`: 35 bytes, the rest filled with 0xAB, else cut after the magnitude.
    func numeric(precision: Int, scale: Int, magnitude: UInt64, negative: Bool, full: Bool) -> [UInt8] {
        let width = DBNumericCodec.bytesPerPrecision[precision] - 1
        var bytes: [UInt8] = [UInt8(precision), UInt8(scale), negative ? 1 : 0]
        for index in 0..<width {
            let shift = (width - 1 - index) * 8
            bytes.append(shift < 64 ? UInt8(truncatingIfNeeded: magnitude >> UInt64(shift)) : 0)
        }
        if full { bytes += [UInt8](repeating: 0xAB, count: DBNumericCodec.size - bytes.count) }
        return bytes
    }

    /// The largest magnitude of `precision` digits that fits an Int64.
    func largest(_ precision: Int) -> UInt64 {
        precision >= 19 ? UInt64(Int64.max) : (1...precision).reduce(UInt64(1)) { product, _ in product * 10 } - 1
    }

    @Test("every precision up to 19 reads the same value as the byte-at-a-time decoder", arguments: [false, true])
    func samePerPrecision(full: Bool) throws {
        for precision in 1...19 {
            let scale = precision / 3
            for magnitude in [0, 1, 7, largest(precision) / 3, largest(precision)] {
                for negative in [false, true] {
                    let bytes = numeric(
                        precision: precision, scale: scale, magnitude: magnitude, negative: negative, full: full)
                    let scaled = try bytes.withUnsafeBytes { try DBNumericCodec.scaled($0) }
                    let decoded = try bytes.withUnsafeBytes { try DBNumericCodec.decode($0) }
                    let expected = Int64(magnitude) * (negative ? -1 : 1)
                    #expect(scaled?.unscaled == expected, "precision \(precision), \(magnitude), full \(full)")
                    #expect(scaled?.scale == scale)
                    let text = DBNumericCodec.canonicalDecimal(magnitude: magnitude, scale: scale, negative: negative)
                    #expect(decoded == text, "precision \(precision), \(magnitude), full \(full)")
                }
            }
        }
    }

    @Test("a precision-19 magnitude beyond Int64 is nil, full or cut", arguments: [false, true])
    func beyondInt64(full: Bool) throws {
        let bytes = numeric(
            precision: 19, scale: 0, magnitude: UInt64(Int64.max) + 1, negative: false, full: full)
        #expect(try bytes.withUnsafeBytes { try DBNumericCodec.scaled($0) } == nil)
    }

    @Test("the one-load fast path of precisions 1…19 (its packed widths) reads what scaled reads, in full values")
    func fastPathPerPrecision() throws {
        for precision in 1...19 {
            #expect(
                Int((DBNumericCodec.magnitudeWidthsUpTo19 >> UInt64((precision - 1) * 3)) & 7) + 2
                    == DBNumericCodec.bytesPerPrecision[precision], "precision \(precision)")
            for scale in [0, precision / 2, precision] {
                for magnitude in [0, 1, 7, 255, 256, largest(precision) / 3, largest(precision)] {
                    for negative in [false, true] {
                        let bytes = numeric(
                            precision: precision, scale: scale, magnitude: magnitude, negative: negative, full: true)
                        let fast = bytes.withUnsafeBytes { DBNumericCodec.scaledUpTo19Digits($0.baseAddress!) }
                        let scaled = try bytes.withUnsafeBytes { try DBNumericCodec.scaled($0) }
                        #expect(fast?.unscaled == scaled?.unscaled, "precision \(precision), \(magnitude)")
                        #expect(fast?.scale == scaled?.scale)
                        #expect(fast != nil)
                    }
                }
            }
        }
        // A shape read only values whose precision and scale are its own.
        let five = numeric(precision: 12, scale: 2, magnitude: 500, negative: true, full: true)
        let other = numeric(precision: 12, scale: 3, magnitude: 500, negative: true, full: true)
        let shape = try #require(five.withUnsafeBytes { DBNumericCodec.shapeUpTo19Digits($0.baseAddress!) })
        #expect(five.withUnsafeBytes { DBNumericCodec.scaled($0.baseAddress!, shape: shape) }?.unscaled == -500)
        #expect(five.withUnsafeBytes { DBNumericCodec.scaled($0.baseAddress!, shape: shape) }?.scale == 2)
        #expect(other.withUnsafeBytes { DBNumericCodec.scaled($0.baseAddress!, shape: shape) } == nil)
        #expect(five.withUnsafeBytes { DBNumericCodec.scaled($0.baseAddress!, shape: 0) } == nil)
        let wide = numeric(precision: 19, scale: 0, magnitude: UInt64(Int64.max) + 1, negative: false, full: true)
        #expect(wide.withUnsafeBytes { DBNumericCodec.scaledUpTo19Digits($0.baseAddress!) } == nil)
        for (precision, scale) in [(0, 0), (20, 2), (38, 10), (5, 6)] {
            var bytes = numeric(precision: 19, scale: 0, magnitude: 5, negative: false, full: true)
            bytes[0] = UInt8(precision)
            bytes[1] = UInt8(scale)
            #expect(bytes.withUnsafeBytes { DBNumericCodec.scaledUpTo19Digits($0.baseAddress!) } == nil)
        }
    }
}
