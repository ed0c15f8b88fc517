import DBCore
import Foundation
import NIOCore
import Testing

@testable import TDSSandbox

/// `sql_variant` RPC parameters: decoded as their base type; declared `sql_variant` in `sp_executesql`, bound as
/// text that CAST converts as SQL Server converts the variant's value.
@Suite("Protocol: sql_variant parameters")
struct ProtocolSQLVariantTests {
    /// TYPE_INFO (0x62, maximum length 8016) and a value of `base` with `properties` and `data`.
    private func variant(base: UInt8, properties: [UInt8], data: [UInt8]) throws -> (TSQLType, SQLValue) {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(0x62))
        buffer.writeInteger(UInt32(8016), endianness: .little)
        buffer.writeInteger(UInt32(2 + properties.count + data.count), endianness: .little)
        buffer.writeBytes([base, UInt8(properties.count)] + properties + data)
        let decoded = try TDSValueDecoder.readTypedValue(&buffer)
        #expect(buffer.readableBytes == 0)
        return decoded
    }

    @Test func baseTypesDecode() throws {
        #expect(try variant(base: 0x38, properties: [], data: [42, 0, 0, 0]) == (.int, .int(42)))
        #expect(try variant(base: 0x7F, properties: [], data: [1, 0, 0, 0, 0, 0, 0, 0]) == (.bigint, .int(1)))
        let text = try variant(
            base: 0xE7, properties: [0x09, 0x04, 0xD0, 0x00, 0x34, 0x08, 0x00], data: [0x68, 0, 0x69, 0])
        #expect(text.1 == .string("hi"))
        let decimal = try variant(base: 0x6A, properties: [5, 2], data: [1, 0x39, 0x30, 0, 0])
        #expect(decimal == (.decimal(precision: 5, scale: 2), .decimal(SQLDecimal("123.45")!)))
        let uuid = UUID()
        let guid = try variant(base: 0x24, properties: [], data: TDSGUID.wireBytes(uuid))
        #expect(guid.1 == .uuid(uuid))
    }

    @Test func nullAndMalformedValues() throws {
        var null = ByteBuffer(bytes: [0x62, 0x50, 0x1F, 0, 0, 0, 0, 0, 0])
        #expect(try TDSValueDecoder.readTypedValue(&null).1 == .null)
        #expect(throws: TDSProtocolError.self) { try variant(base: 0x38, properties: [], data: [1, 2]) }
        #expect(throws: TDSProtocolError.self) { try variant(base: 0xF1, properties: [], data: [1]) }
    }

    @Test func declaredSQLVariantParameters() throws {
        let declarations = try TSQLParameterDeclaration.parse("@v sql_variant, @w SQL_VARIANT OUTPUT")
        #expect(declarations.map(\.type) == [.nvarchar(4000), .nvarchar(4000)])
        #expect(declarations.map(\.isOutput) == [false, true])
    }
}

@Suite("Engine: sql_variant parameters")
struct EngineSQLVariantTests {
    @Test func variantValuesConvertWithCast() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.rpc(
            "sp_executesql",
            [
                RPCParameter(
                    name: "", type: .nvarchar(nil), value: .string("SELECT CAST(@v AS int) + 1 AS n, @w AS w")),
                RPCParameter(name: "", type: .nvarchar(nil), value: .string("@v sql_variant, @w sql_variant")),
                RPCParameter(name: "@v", type: .int, value: .int(41)),
                RPCParameter(name: "@w", type: .nvarchar(5), value: .string("héllo")),
            ])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.resultSets.first?.rows.first == [.int(42), .string("héllo")])
    }
}
