import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

@Suite("DB-Library value codecs")
struct CodecTests {
    private func decodeDecimal(_ bytes: [UInt8]) throws -> SQLDecimal {
        try bytes.withUnsafeBytes { try DBNumericCodec.decode($0) }
    }

    @Test(
        "DBDECIMAL fixtures decode exactly",
        arguments: [
            // precision 5 (4 bytes with the sign), scale 2, positive, magnitude 12345 (0x003039) → 123.45
            ([5, 2, 0, 0x00, 0x30, 0x39], "123.45"),
            // negative, scale 3, magnitude 5 → -0.005
            ([4, 3, 1, 0x00, 0x05], "-0.005"),
            // precision 10, scale 0, magnitude 9_999_999_999 (0x02540BE3FF) in 5 bytes
            ([10, 0, 0, 0x02, 0x54, 0x0B, 0xE3, 0xFF], "9999999999"),
        ] as [([UInt8], String)])
    func decimalFixtures(bytes: [UInt8], expected: String) throws {
        var padded = bytes
        padded += [UInt8](repeating: 0, count: 35 - bytes.count)
        #expect(try decodeDecimal(padded).description == expected)
    }

    @Test(
        "DECIMAL(38,s) round-trips through DBDECIMAL without rounding",
        arguments: [
            "12345678901234567890123456.7890123456", "-99999999999999999999999999999999999999", "0.0000000001",
            "1.50", "0", "-42", "-170141183460469231731687303715884105.27",
        ])
    func decimalRoundTrip(text: String) throws {
        let value = try #require(SQLDecimal(text))
        let encoded = try DBNumericCodec.encode(value)
        #expect(encoded.bytes.count == 35)
        #expect(try decodeDecimal(encoded.bytes) == value)
    }

    @Test(
        "the DBDECIMAL encoder matches FreeTDS's dbconvert_ps",
        arguments: [
            "123.45", "-0.005", "12345678901234567890123456.7890123456", "99999999999999999999999999999999999999", "7",
        ])
    func decimalMatchesFreeTDS(text: String) throws {
        let value = try #require(SQLDecimal(text))
        let mine = try DBNumericCodec.encode(value)
        let theirs = try #require(
            DBLibConversions.decimalBytes(
                text: text, precision: mine.precision, scale: mine.scale))
        #expect(mine.bytes == theirs)
    }

    @Test("more than 38 digits is a data exception")
    func decimalTooLong() throws {
        let value = try #require(SQLDecimal("1234567890123456789012345678901234567890"))
        #expect { try DBNumericCodec.encode(value) } throws: { ($0 as? DatabaseError)?.kind == .dataException }
    }

    @Test("MONEY and SMALLMONEY decode with four places")
    func money() throws {
        // MONEY -1.2345 = -12345 units: high -1 (0xFFFFFFFF), low 0xFFFFCFC7.
        let units: Int64 = -12345
        let high = Int32(truncatingIfNeeded: units >> 32)
        let low = UInt32(truncatingIfNeeded: units)
        let bytes =
            withUnsafeBytes(of: high.littleEndian) { Array($0) } + withUnsafeBytes(of: low.littleEndian) { Array($0) }
        let value = try bytes.withUnsafeBytes { try MSSQLValueDecoder.decode(type: TDSTypeCode.money, raw: $0) }
        #expect(value == .decimal(SQLDecimal("-1.2345")!))
        let small = withUnsafeBytes(of: Int32(922_337).littleEndian) { Array($0) }
        let value4 = try small.withUnsafeBytes { try MSSQLValueDecoder.decode(type: TDSTypeCode.money4, raw: $0) }
        #expect(value4 == .decimal(SQLDecimal("92.2337")!))
        #expect(MSSQLValueDecoder.money(5) == SQLDecimal("0.0005")!)
    }

    @Test("UNIQUEIDENTIFIER wire bytes have the first three groups little-endian")
    func guidByteOrder() throws {
        let uuid = try #require(UUID(uuidString: "01234567-89AB-CDEF-0123-456789ABCDEF"))
        let wire: [UInt8] = [
            0x67, 0x45, 0x23, 0x01, 0xAB, 0x89, 0xEF, 0xCD, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
        ]
        #expect(MSSQLValueDecoder.wireBytes(uuid) == wire)
        #expect(MSSQLValueDecoder.uuid(wireBytes: wire) == uuid)
        let decoded = try wire.withUnsafeBytes { try MSSQLValueDecoder.decode(type: 36, raw: $0) }
        #expect(decoded == .uuid(uuid))
    }

    @Test("integers, bit and floats decode little-endian")
    func scalars() throws {
        func decode(_ type: Int, _ bytes: [UInt8]) throws -> SQLValue {
            try bytes.withUnsafeBytes { try MSSQLValueDecoder.decode(type: type, raw: $0) }
        }
        #expect(try decode(TDSTypeCode.int1, [0xFF]) == .int(255))
        #expect(try decode(TDSTypeCode.int2, [0xFE, 0xFF]) == .int(-2))
        #expect(try decode(TDSTypeCode.int4, [0x00, 0x00, 0x00, 0x80]) == .int(Int64(Int32.min)))
        #expect(try decode(TDSTypeCode.int8, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == .int(Int64.max))
        #expect(try decode(TDSTypeCode.bit, [1]) == .bool(true))
        #expect(
            try decode(TDSTypeCode.float8, withUnsafeBytes(of: (2.5).bitPattern.littleEndian) { Array($0) })
                == .double(2.5))
        #expect(
            try decode(TDSTypeCode.real, withUnsafeBytes(of: Float(0.5).bitPattern.littleEndian) { Array($0) })
                == .double(0.5))
        #expect(try decode(TDSTypeCode.char, Array("héllo 🌍".utf8)) == .string("héllo 🌍"))
        #expect(try decode(TDSTypeCode.varbinary, [0, 1, 2]) == .bytes([0, 1, 2]))
        #expect(try MSSQLValueDecoder.decode(type: TDSTypeCode.int4, raw: nil) == .null)
        #expect(throws: DatabaseError.self) { try decode(TDSTypeCode.int4, [1, 2]) }
    }
}
