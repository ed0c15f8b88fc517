import DBCore
import NIOCore

/// Decodes a TYPE_INFO followed by its value (TYPE_VARBYTE), as RPC parameters carry them, into the declared
/// ``TSQLType`` and an ``SQLValue``. Every length is checked against the type and the message.
enum TDSValueDecoder {
    /// Reads one TYPE_INFO + value.
    static func readTypedValue(_ r: inout ByteBuffer) throws -> (TSQLType, SQLValue) {
        let raw = try r.tdsReadUInt8()
        guard let dataType = TDSDataType(rawValue: raw) else {
            throw TDSProtocolError("data type 0x\(String(raw, radix: 16, uppercase: true)) is unknown")
        }
        switch dataType {
        case .null: return (.int, .null)
        case .int1: return (.tinyint, .int(Int64(try r.tdsReadUInt8())))
        case .bit: return (.bit, .bool(try r.tdsReadUInt8() != 0))
        case .int2: return (.smallint, .int(Int64(try r.tdsReadLE(Int16.self))))
        case .int4: return (.int, .int(Int64(try r.tdsReadLE(Int32.self))))
        case .int8: return (.bigint, .int(try r.tdsReadLE(Int64.self)))
        case .float4: return (.real, .double(Double(Float(bitPattern: try r.tdsReadLE(UInt32.self)))))
        case .float8: return (.float, .double(Double(bitPattern: try r.tdsReadLE(UInt64.self))))
        case .money: return (.money, try money(&r, length: 8))
        case .money4: return (.smallmoney, try money(&r, length: 4))
        case .datetime: return (.datetime, try datetime(&r, length: 8))
        case .datetime4: return (.smalldatetime, try datetime(&r, length: 4))
        case .intN, .bitN, .floatN, .moneyN, .datetimeN, .guid:
            return try nullableFixed(dataType, &r)
        case .decimalN, .numericN, .decimalLegacy, .numericLegacy:
            let maxLength = Int(try r.tdsReadUInt8())
            let precision = Int(try r.tdsReadUInt8())
            let scale = Int(try r.tdsReadUInt8())
            guard (1...38).contains(precision), scale <= precision, maxLength <= 17 else {
                throw TDSProtocolError("invalid decimal precision \(precision) / scale \(scale)")
            }
            let type = TSQLType.decimal(precision: precision, scale: scale)
            let length = Int(try r.tdsReadUInt8())
            if length == 0 { return (type, .null) }
            // [MS-TDS] names 5, 9, 13 and 17 bytes; SQL Server also reads the shorter lengths FreeTDS sends for
            // small precisions (its `tds_numeric_bytes_per_prec`, e.g. 3 bytes for DECIMAL(4,2)), as long as the
            // value fits the precision.
            guard length <= maxLength, (2...17).contains(length) else {
                throw TDSProtocolError("invalid decimal length \(length)")
            }
            let sign = try r.tdsReadUInt8()
            let digits = DecimalMagnitude.digits(fromBytes: try r.tdsReadBytes(length - 1))
            guard digits.drop(while: { $0 == "0" }).count <= precision else {
                throw TDSProtocolError("a decimal value has more digits than its precision \(precision)")
            }
            let text = DecimalMagnitude.decimalText(negative: sign == 0, digits: digits, scale: scale)
            guard let decimal = SQLDecimal(text) else { throw TDSProtocolError("invalid decimal value") }
            return (type, .decimal(decimal))
        case .dateN:
            let length = try r.tdsReadUInt8()
            if length == 0 { return (.date, .null) }
            guard length == 3 else { throw TDSProtocolError("invalid date length \(length)") }
            return (
                .date, .date(try TDSDateTimeCodec.date(days: TDSDateTimeCodec.readUInt(try r.tdsReadBytes(3)[...])))
            )
        case .timeN, .datetime2N, .datetimeOffsetN:
            return try scaledTime(dataType, &r)
        case .bigVarChar, .bigChar, .nvarchar, .nchar, .bigVarBinary, .bigBinary:
            return try ushortLength(dataType, &r)
        case .charLegacy, .varcharLegacy, .binaryLegacy, .varbinaryLegacy:
            let maxLength = max(1, Int(try r.tdsReadUInt8()))
            let length = Int(try r.tdsReadUInt8())
            let bytes = try r.tdsReadBytes(length)
            if dataType == .charLegacy || dataType == .varcharLegacy {
                return (.varchar(maxLength), .string(CP1252.decode(bytes)))
            }
            return (.varbinary(maxLength), .bytes(bytes))
        case .text, .ntext, .image:
            _ = try r.tdsReadLE(UInt32.self)
            if dataType != .image { try r.tdsSkip(5) }
            let length = try r.tdsReadLE(UInt32.self)
            let type: TSQLType =
                dataType == .text ? .varchar(nil) : dataType == .ntext ? .nvarchar(nil) : .varbinary(nil)
            if length == UInt32.max { return (type, .null) }
            let bytes = try r.tdsReadBytes(Int(length))
            switch dataType {
            case .text: return (type, .string(CP1252.decode(bytes)))
            case .ntext: return (type, .string(UCS2.decode(bytes)))
            default: return (type, .bytes(bytes))
            }
        case .sqlVariant:
            return try sqlVariant(&r)
        case .xml, .udt, .tvp:
            throw TDSProtocolError("data type 0x\(String(raw, radix: 16, uppercase: true)) is not supported")
        }
    }

    private static func nullableFixed(_ dataType: TDSDataType, _ r: inout ByteBuffer) throws -> (TSQLType, SQLValue) {
        let maxLength = Int(try r.tdsReadUInt8())
        let type: TSQLType
        switch (dataType, maxLength) {
        case (.intN, 1): type = .tinyint
        case (.intN, 2): type = .smallint
        case (.intN, 4): type = .int
        case (.intN, 8): type = .bigint
        case (.bitN, 1): type = .bit
        case (.floatN, 4): type = .real
        case (.floatN, 8): type = .float
        case (.moneyN, 4): type = .smallmoney
        case (.moneyN, 8): type = .money
        case (.datetimeN, 4): type = .smalldatetime
        case (.datetimeN, 8): type = .datetime
        case (.guid, 16): type = .uniqueidentifier
        default:
            throw TDSProtocolError(
                "invalid length \(maxLength) for data type 0x\(String(dataType.rawValue, radix: 16))")
        }
        let length = Int(try r.tdsReadUInt8())
        if length == 0 { return (type, .null) }
        guard length <= maxLength else { throw TDSProtocolError("value longer than its type") }
        switch dataType {
        case .intN:
            switch length {
            case 1: return (type, .int(Int64(try r.tdsReadUInt8())))
            case 2: return (type, .int(Int64(try r.tdsReadLE(Int16.self))))
            case 4: return (type, .int(Int64(try r.tdsReadLE(Int32.self))))
            case 8: return (type, .int(try r.tdsReadLE(Int64.self)))
            default: throw TDSProtocolError("invalid integer length \(length)")
            }
        case .bitN:
            return (type, .bool(try r.tdsReadUInt8() != 0))
        case .floatN:
            switch length {
            case 4: return (type, .double(Double(Float(bitPattern: try r.tdsReadLE(UInt32.self)))))
            case 8: return (type, .double(Double(bitPattern: try r.tdsReadLE(UInt64.self))))
            default: throw TDSProtocolError("invalid float length \(length)")
            }
        case .moneyN:
            guard length == 4 || length == 8 else { throw TDSProtocolError("invalid money length \(length)") }
            return (type, try money(&r, length: length))
        case .datetimeN:
            guard length == 4 || length == 8 else { throw TDSProtocolError("invalid datetime length \(length)") }
            return (type, try datetime(&r, length: length))
        default:
            guard length == 16, let uuid = TDSGUID.uuid(wireBytes: try r.tdsReadBytes(16)) else {
                throw TDSProtocolError("invalid uniqueidentifier length \(length)")
            }
            return (type, .uuid(uuid))
        }
    }

    private static func money(_ r: inout ByteBuffer, length: Int) throws -> SQLValue {
        let scaled: Int64
        if length == 8 {
            let high = Int64(try r.tdsReadLE(Int32.self))
            let low = Int64(try r.tdsReadLE(UInt32.self))
            scaled = high << 32 | low
        } else {
            scaled = Int64(try r.tdsReadLE(Int32.self))
        }
        let text = DecimalMagnitude.decimalText(
            negative: scaled < 0, digits: String(scaled.magnitude), scale: 4)
        guard let decimal = SQLDecimal(text) else { throw TDSProtocolError("invalid money value") }
        return .decimal(decimal)
    }

    private static func datetime(_ r: inout ByteBuffer, length: Int) throws -> SQLValue {
        if length == 8 {
            let days = try r.tdsReadLE(Int32.self)
            let ticks = try r.tdsReadLE(UInt32.self)
            return .timestamp(try TDSDateTimeCodec.datetime(days: days, ticks: ticks))
        }
        let days = Int(try r.tdsReadLE(UInt16.self))
        let minutes = Int(try r.tdsReadLE(UInt16.self))
        guard minutes < 1440, let time = SQLTime(hour: minutes / 60, minute: minutes % 60, second: 0) else {
            throw TDSProtocolError("invalid smalldatetime")
        }
        return .timestamp(
            SQLTimestamp(date: SQLDate(daysSince1970: days - TDSDateTimeCodec.daysFrom1900To1970), time: time))
    }

    private static func scaledTime(_ dataType: TDSDataType, _ r: inout ByteBuffer) throws -> (TSQLType, SQLValue) {
        let scale = Int(try r.tdsReadUInt8())
        guard scale <= 7 else { throw TDSProtocolError("invalid time scale \(scale)") }
        let timeLength = TSQLType.timeLength(scale: scale)
        let type: TSQLType
        let expected: Int
        switch dataType {
        case .timeN: (type, expected) = (.time(scale: scale), timeLength)
        case .datetime2N: (type, expected) = (.datetime2(scale: scale), timeLength + 3)
        default: (type, expected) = (.datetimeoffset(scale: scale), timeLength + 5)
        }
        let length = Int(try r.tdsReadUInt8())
        if length == 0 { return (type, .null) }
        guard length == expected else { throw TDSProtocolError("invalid length \(length) for \(type)") }
        let bytes = try r.tdsReadBytes(length)
        let time = try TDSDateTimeCodec.time(units: TDSDateTimeCodec.readUInt(bytes[0..<timeLength]), scale: scale)
        if dataType == .timeN { return (type, .time(time)) }
        let date = try TDSDateTimeCodec.date(days: TDSDateTimeCodec.readUInt(bytes[timeLength..<(timeLength + 3)]))
        let stamp = SQLTimestamp(date: date, time: time)
        if dataType == .datetime2N { return (type, .timestamp(stamp)) }
        let offset = Int(Int16(bitPattern: UInt16(bytes[timeLength + 3]) | UInt16(bytes[timeLength + 4]) << 8))
        guard abs(offset) <= 14 * 60 else { throw TDSProtocolError("invalid datetimeoffset offset") }
        return (type, .timestampTZ(SQLTimestampTZ(utc: stamp, offsetSeconds: offset * 60)))
    }

    private static func ushortLength(_ dataType: TDSDataType, _ r: inout ByteBuffer) throws -> (TSQLType, SQLValue) {
        let maxLength = Int(try r.tdsReadLE(UInt16.self))
        let isCharacter = dataType != .bigVarBinary && dataType != .bigBinary
        if isCharacter { try r.tdsSkip(5) }
        let isPLP = maxLength == 0xFFFF
        let type: TSQLType
        switch dataType {
        case .bigVarChar: type = .varchar(isPLP ? nil : min(max(maxLength, 1), 8000))
        case .bigChar: type = .char(min(max(maxLength, 1), 8000))
        case .nvarchar: type = .nvarchar(isPLP ? nil : min(max(maxLength / 2, 1), 4000))
        case .nchar: type = .nchar(min(max(maxLength / 2, 1), 4000))
        case .bigVarBinary: type = .varbinary(isPLP ? nil : min(max(maxLength, 1), 8000))
        default: type = .binary(min(max(maxLength, 1), 8000))
        }
        let bytes: [UInt8]
        if isPLP {
            guard let plp = try readPLP(&r) else { return (type, .null) }
            bytes = plp
        } else {
            let length = Int(try r.tdsReadLE(UInt16.self))
            if length == 0xFFFF { return (type, .null) }
            guard length <= maxLength else { throw TDSProtocolError("value longer than its type") }
            bytes = try r.tdsReadBytes(length)
        }
        switch dataType {
        case .bigVarChar, .bigChar: return (type, .string(CP1252.decode(bytes)))
        case .nvarchar, .nchar:
            guard bytes.count % 2 == 0 else { throw TDSProtocolError("UCS-2 value has an odd length") }
            return (type, .string(UCS2.decode(bytes)))
        default: return (type, .bytes(bytes))
        }
    }

    /// Reads a PLP stream; `nil` for NULL.
    static func readPLP(_ r: inout ByteBuffer) throws -> [UInt8]? {
        let total = try r.tdsReadLE(UInt64.self)
        if total == UInt64.max { return nil }
        let unknownLength: UInt64 = 0xFFFF_FFFF_FFFF_FFFE
        guard total == unknownLength || total <= UInt64(r.readableBytes) else {
            throw TDSProtocolError("PLP length \(total) exceeds the message")
        }
        var bytes: [UInt8] = []
        if total != unknownLength { bytes.reserveCapacity(Int(total)) }
        while true {
            let chunk = Int(try r.tdsReadLE(UInt32.self))
            if chunk == 0 { break }
            bytes += try r.tdsReadBytes(chunk)
        }
        guard total == unknownLength || UInt64(bytes.count) == total else {
            throw TDSProtocolError("PLP chunks do not add up to the announced length")
        }
        return bytes
    }
}
