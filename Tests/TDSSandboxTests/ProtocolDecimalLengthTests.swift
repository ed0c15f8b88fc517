import DBCore
import NIOCore
import Testing

@testable import TDSSandbox

/// DECIMALN values in the lengths FreeTDS sends (sized by precision), not only [MS-TDS]'s 5, 9, 13 and 17.
@Suite("Protocol: DECIMALN lengths by precision")
struct ProtocolDecimalLengthTests {
    /// TYPE_INFO (DECIMALN, max length, precision, scale) + length, sign and little-endian magnitude.
    func decode(
        maxLength: UInt8, precision: UInt8, scale: UInt8, positive: Bool, magnitude: [UInt8]
    ) throws
        -> (TSQLType, SQLValue)
    {
        var buffer = ByteBuffer(bytes: [
            0x6A, maxLength, precision, scale, UInt8(magnitude.count + 1), positive ? 1 : 0,
        ])
        buffer.writeBytes(magnitude)
        let decoded = try TDSValueDecoder.readTypedValue(&buffer)
        #expect(buffer.readableBytes == 0)
        return decoded
    }

    @Test("DECIMAL(4,2) in 3 bytes and DECIMAL(12,4) in 6 bytes")
    func shortLengths() throws {
        // 12.34 → 1234 = 0x04D2.
        let small = try decode(maxLength: 3, precision: 4, scale: 2, positive: false, magnitude: [0xD2, 0x04])
        #expect(small.0 == .decimal(precision: 4, scale: 2))
        #expect(small.1 == .decimal(SQLDecimal("-12.34")!))
        // 12345678.9012 → 123456789012 = 0x1CBE991A14.
        let wide = try decode(
            maxLength: 6, precision: 12, scale: 4, positive: true, magnitude: [0x14, 0x1A, 0x99, 0xBE, 0x1C])
        #expect(wide.1 == .decimal(SQLDecimal("12345678.9012")!))
    }

    @Test("a value with more digits than its precision, or a length above the maximum, is refused")
    func refused() {
        // 100000 has 6 digits; DECIMAL(4,0).
        #expect(throws: TDSProtocolError.self) {
            _ = try decode(maxLength: 4, precision: 4, scale: 0, positive: true, magnitude: [0xA0, 0x86, 0x01])
        }
        #expect(throws: TDSProtocolError.self) {
            _ = try decode(maxLength: 3, precision: 4, scale: 0, positive: true, magnitude: [1, 0, 0, 0])
        }
    }
}
