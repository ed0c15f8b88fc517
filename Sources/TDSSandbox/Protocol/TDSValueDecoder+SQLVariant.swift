import DBCore
import NIOCore

/// `sql_variant` values ([MS-TDS] 2.2.5.5.4): a 4-byte maximum length, then the value's 4-byte length (0 for NULL),
/// its base type, the count of property bytes, the properties the base type has (precision and scale; collation
/// and maximum length; maximum length; scale) and the data. The value is decoded as its base type, by handing the
/// equivalent TYPE_INFO and value to ``TDSValueDecoder/readTypedValue(_:)``.
extension TDSValueDecoder {
    static func sqlVariant(_ r: inout ByteBuffer) throws -> (TSQLType, SQLValue) {
        _ = try r.tdsReadLE(UInt32.self)
        let length = Int(try r.tdsReadLE(UInt32.self))
        if length == 0 { return (.nvarchar(4000), .null) }
        guard length >= 2 else { throw TDSProtocolError("invalid sql_variant length \(length)") }
        let baseRaw = try r.tdsReadUInt8()
        let propertyCount = Int(try r.tdsReadUInt8())
        guard length >= 2 + propertyCount else { throw TDSProtocolError("invalid sql_variant property length") }
        let properties = try r.tdsReadBytes(propertyCount)
        let data = try r.tdsReadBytes(length - 2 - propertyCount)
        guard let base = TDSDataType(rawValue: baseRaw) else {
            throw TDSProtocolError("sql_variant base type 0x\(String(baseRaw, radix: 16, uppercase: true)) is unknown")
        }
        var typed = ByteBuffer()
        typed.writeInteger(baseRaw)
        switch (base, properties.count) {
        case (.int1, 0), (.bit, 0), (.int2, 0), (.int4, 0), (.int8, 0), (.float4, 0), (.float8, 0), (.money, 0),
            (.money4, 0), (.datetime, 0), (.datetime4, 0):
            break
        case (.guid, 0):
            typed.writeBytes([UInt8(data.count), UInt8(data.count)])
        case (.decimalN, 2), (.numericN, 2):
            typed.writeBytes([17, properties[0], properties[1], UInt8(data.count)])
        case (.bigVarChar, 7), (.bigChar, 7), (.nvarchar, 7), (.nchar, 7):
            typed.writeBytes(properties[5...6])  // maximum length
            typed.writeBytes(properties[0...4])  // collation
            typed.tdsWriteLE(UInt16(data.count))
        case (.bigVarBinary, 2), (.bigBinary, 2):
            typed.writeBytes(properties)
            typed.tdsWriteLE(UInt16(data.count))
        case (.dateN, 0):
            typed.writeInteger(UInt8(data.count))
        case (.timeN, 1), (.datetime2N, 1), (.datetimeOffsetN, 1):
            typed.writeBytes([properties[0], UInt8(data.count)])
        default:
            throw TDSProtocolError(
                "sql_variant base type \(base) with \(properties.count) property bytes is not supported")
        }
        typed.writeBytes(data)
        let decoded = try readTypedValue(&typed)
        guard typed.readableBytes == 0 else { throw TDSProtocolError("sql_variant value longer than its base type") }
        return decoded
    }
}
