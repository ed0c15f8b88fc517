import DBCore
import Foundation
import NIOCore

/// Encodes one ``SQLValue`` as the TYPE_VARBYTE of its declared ``TSQLType`` ([MS-TDS] 2.2.5.2.3), as ROW,
/// NBCROW and RETURNVALUE carry it. A value that does not fit the type throws ``TDSValueError``; the buffer is
/// then left as it was.
enum TDSValueEncoder {
    /// Writes `value` as `type`.
    static func write(_ value: SQLValue, as type: TSQLType, into buffer: inout ByteBuffer) throws {
        let start = buffer.writerIndex
        do {
            try type.validate()
            if value.isNull {
                writeNull(type, into: &buffer)
            } else {
                try writeValue(value, as: type, into: &buffer)
            }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Writes the NULL form of `type` (in a ROW; NBCROW leaves NULLs out).
    static func writeNull(_ type: TSQLType, into buffer: inout ByteBuffer) {
        switch type {
        case .char, .nchar, .binary, .varchar(.some), .nvarchar(.some), .varbinary(.some):
            buffer.writeInteger(UInt16(0xFFFF), endianness: .little)
        case .varchar(nil), .nvarchar(nil), .varbinary(nil):
            buffer.writeInteger(UInt64.max, endianness: .little)
        default:
            buffer.writeInteger(UInt8(0))
        }
    }

    private static func writeValue(_ value: SQLValue, as type: TSQLType, into buffer: inout ByteBuffer) throws {
        switch type {
        case .tinyint:
            let v = try integer(value, type, range: 0...255)
            buffer.writeBytes([1, UInt8(v)])
        case .smallint:
            let v = try integer(value, type, range: Int64(Int16.min)...Int64(Int16.max))
            buffer.writeInteger(UInt8(2))
            buffer.tdsWriteLE(Int16(v))
        case .int:
            let v = try integer(value, type, range: Int64(Int32.min)...Int64(Int32.max))
            buffer.writeInteger(UInt8(4))
            buffer.tdsWriteLE(Int32(v))
        case .bigint:
            let v = try integer(value, type, range: Int64.min...Int64.max)
            buffer.writeInteger(UInt8(8))
            buffer.tdsWriteLE(v)
        case .bit:
            let bit: UInt8
            switch value {
            case .bool(let b): bit = b ? 1 : 0
            case .int(let i): bit = i != 0 ? 1 : 0
            default: throw TDSValueError.clash(kind(value), type)
            }
            buffer.writeBytes([1, bit])
        case .decimal(let precision, let scale):
            let text = try decimalText(value, type)
            let (negative, digits) = DecimalMagnitude.scaledDigits(of: text, scale: scale)
            let length = TSQLType.decimalLength(precision: precision)
            guard digits.count <= precision,
                let magnitude = DecimalMagnitude.bytes(fromDigits: Substring(digits), byteCount: length - 1)
            else { throw TDSValueError.overflow(type) }
            buffer.writeInteger(UInt8(length))
            buffer.writeInteger(UInt8(negative ? 0 : 1))
            buffer.writeBytes(magnitude)
        case .money, .smallmoney:
            let (negative, digits) = DecimalMagnitude.scaledDigits(of: try decimalText(value, type), scale: 4)
            // Parsed with its sign: the smallest money value's magnitude (2^63) does not fit a positive Int64.
            guard digits.count <= 19, let scaled = Int64((negative ? "-" : "") + digits) else {
                throw TDSValueError.overflow(type)
            }
            if type == .money {
                buffer.writeInteger(UInt8(8))
                buffer.tdsWriteLE(Int32(truncatingIfNeeded: scaled >> 32))
                buffer.tdsWriteLE(UInt32(truncatingIfNeeded: scaled))
            } else {
                guard let small = Int32(exactly: scaled) else { throw TDSValueError.overflow(type) }
                buffer.writeInteger(UInt8(4))
                buffer.tdsWriteLE(small)
            }
        case .real, .float:
            let double: Double
            switch value {
            case .double(let d): double = d
            case .int(let i): double = Double(i)
            case .decimal(let d): double = Double(d.description) ?? .nan
            default: throw TDSValueError.clash(kind(value), type)
            }
            guard double.isFinite else { throw TDSValueError.overflow(type) }
            if type == .real {
                let single = Float(double)
                guard single.isFinite else { throw TDSValueError.overflow(type) }
                buffer.writeInteger(UInt8(4))
                buffer.tdsWriteLE(single.bitPattern)
            } else {
                buffer.writeInteger(UInt8(8))
                buffer.tdsWriteLE(double.bitPattern)
            }
        case .char(let n), .varchar(.some(let n)):
            var bytes = try singleByteText(value, type)
            if case .char = type, bytes.count < n { bytes += [UInt8](repeating: 0x20, count: n - bytes.count) }
            guard bytes.count <= n else { throw TDSValueError.truncation(type) }
            buffer.tdsWriteLE(UInt16(bytes.count))
            buffer.writeBytes(bytes)
        case .nchar(let n), .nvarchar(.some(let n)):
            var bytes = UCS2.encode(try text(value, type))
            if case .nchar = type, bytes.count < n * 2 {
                for _ in 0..<(n * 2 - bytes.count) / 2 { bytes += [0x20, 0x00] }
            }
            guard bytes.count <= n * 2 else { throw TDSValueError.truncation(type) }
            buffer.tdsWriteLE(UInt16(bytes.count))
            buffer.writeBytes(bytes)
        case .binary(let n), .varbinary(.some(let n)):
            guard case .bytes(var bytes) = value else { throw TDSValueError.clash(kind(value), type) }
            if case .binary = type, bytes.count < n { bytes += [UInt8](repeating: 0, count: n - bytes.count) }
            guard bytes.count <= n else { throw TDSValueError.truncation(type) }
            buffer.tdsWriteLE(UInt16(bytes.count))
            buffer.writeBytes(bytes)
        case .varchar(nil):
            writePLP(try singleByteText(value, type), into: &buffer)
        case .nvarchar(nil):
            writePLP(UCS2.encode(try text(value, type)), into: &buffer)
        case .varbinary(nil):
            guard case .bytes(let bytes) = value else { throw TDSValueError.clash(kind(value), type) }
            writePLP(bytes, into: &buffer)
        case .date, .time, .datetime, .smalldatetime, .datetime2, .datetimeoffset:
            try TDSDateTimeCodec.write(value, as: type, into: &buffer)
        case .uniqueidentifier:
            let uuid: UUID
            switch value {
            case .uuid(let u): uuid = u
            case .string(let s):
                guard let parsed = UUID(uuidString: s) else { throw TDSValueError.clash("nvarchar", type) }
                uuid = parsed
            default: throw TDSValueError.clash(kind(value), type)
            }
            buffer.writeInteger(UInt8(16))
            buffer.writeBytes(TDSGUID.wireBytes(uuid))
        }
    }

    /// Writes a PLP stream of known length: the total, one chunk, the terminator.
    static func writePLP(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.tdsWriteLE(UInt64(bytes.count))
        if !bytes.isEmpty {
            buffer.tdsWriteLE(UInt32(bytes.count))
            buffer.writeBytes(bytes)
        }
        buffer.tdsWriteLE(UInt32(0))
    }

    private static func integer(_ value: SQLValue, _ type: TSQLType, range: ClosedRange<Int64>) throws -> Int64 {
        let result: Int64
        switch value {
        case .int(let i): result = i
        case .bool(let b): result = b ? 1 : 0
        case .decimal(let d):
            let (negative, digits) = DecimalMagnitude.scaledDigits(of: d.description, scale: 0)
            guard d.normalized.scale == 0, let magnitude = Int64(digits) else { throw TDSValueError.overflow(type) }
            result = negative ? -magnitude : magnitude
        case .double(let d):
            guard d.rounded(.towardZero) == d, let exact = Int64(exactly: d) else { throw TDSValueError.overflow(type) }
            result = exact
        default: throw TDSValueError.clash(kind(value), type)
        }
        guard range.contains(result) else { throw TDSValueError.overflow(type) }
        return result
    }

    private static func decimalText(_ value: SQLValue, _ type: TSQLType) throws -> String {
        switch value {
        case .decimal(let d): return d.description
        case .int(let i): return String(i)
        case .bool(let b): return b ? "1" : "0"
        case .double(let d):
            guard d.isFinite, let decimal = SQLDecimal(String(d)) else { throw TDSValueError.overflow(type) }
            return decimal.description
        default: throw TDSValueError.clash(kind(value), type)
        }
    }

    static func text(_ value: SQLValue, _ type: TSQLType) throws -> String {
        switch value {
        case .string(let s), .json(let s): return s
        case .uuid(let u): return u.uuidString
        default: throw TDSValueError.clash(kind(value), type)
        }
    }

    static func singleByteText(_ value: SQLValue, _ type: TSQLType) throws -> [UInt8] {
        let string = try text(value, type)
        guard let bytes = CP1252.encode(string) else {
            throw TDSValueError(
                message: SQLServerMessage(
                    number: 50000, severity: 16,
                    message:
                        "A character of the value cannot be represented in code page 1252 of \(type); use nvarchar."))
        }
        return bytes
    }

    /// The SQL Server name of the kind of a value, for error messages.
    static func kind(_ value: SQLValue) -> String {
        switch value {
        case .null: return "NULL"
        case .bool: return "bit"
        case .int: return "bigint"
        case .double: return "float"
        case .decimal: return "decimal"
        case .string, .json: return "nvarchar"
        case .bytes: return "varbinary"
        case .date: return "date"
        case .time: return "time"
        case .timestamp: return "datetime2"
        case .timestampTZ: return "datetimeoffset"
        case .uuid: return "uniqueidentifier"
        }
    }
}

/// The mixed-endian byte order of GUIDTYPE: the first three groups little-endian, the last two as written.
enum TDSGUID {
    /// The wire bytes of a UUID.
    static func wireBytes(_ uuid: UUID) -> [UInt8] {
        let u = uuid.uuid
        return [u.3, u.2, u.1, u.0, u.5, u.4, u.7, u.6, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
    }

    /// The UUID of 16 wire bytes.
    static func uuid(wireBytes b: [UInt8]) -> UUID? {
        guard b.count == 16 else { return nil }
        return UUID(
            uuid: (b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
    }
}
