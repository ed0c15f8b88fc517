import DBCore
import Foundation

/// Decodes the raw bytes DB-Library keeps for a column or return value (`dbdata` / `dbretdata`) into ``SQLValue``,
/// exactly, by the DB-Library type code (`dbcoltype` / `dbrettype`).
enum MSSQLValueDecoder {
    /// Decodes `raw` as a value of DB-Library type `type`. A `nil` buffer is SQL NULL.
    static func decode(type: Int, raw: UnsafeRawBufferPointer?) throws -> SQLValue {
        guard let raw else { return .null }
        switch type {
        case TDSTypeCode.char, TDSTypeCode.varchar, TDSTypeCode.text, TDSTypeCode.ntext, TDSTypeCode.nvarchar,
            TDSTypeCode.xnvarchar, TDSTypeCode.xvarchar, TDSTypeCode.xnchar, TDSTypeCode.xchar, TDSTypeCode.xml:
            return .string(String(decoding: raw, as: UTF8.self))
        case TDSTypeCode.binary, TDSTypeCode.varbinary, TDSTypeCode.image, TDSTypeCode.xvarbinary,
            TDSTypeCode.xbinary:
            return .bytes([UInt8](raw))
        case TDSTypeCode.int1:
            try need(raw, 1, "TINYINT")
            return .int(Int64(raw[0]))
        case TDSTypeCode.int2:
            try need(raw, 2, "SMALLINT")
            return .int(Int64(Int16(littleEndian: raw.loadUnaligned(as: Int16.self))))
        case TDSTypeCode.int4:
            try need(raw, 4, "INT")
            return .int(Int64(Int32(littleEndian: raw.loadUnaligned(as: Int32.self))))
        case TDSTypeCode.int8:
            try need(raw, 8, "BIGINT")
            return .int(Int64(littleEndian: raw.loadUnaligned(as: Int64.self)))
        case TDSTypeCode.bit, TDSTypeCode.bitN:
            try need(raw, 1, "BIT")
            return .bool(raw[0] != 0)
        case TDSTypeCode.real:
            try need(raw, 4, "REAL")
            return .double(Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))))
        case TDSTypeCode.float8, TDSTypeCode.floatN:
            try need(raw, 8, "FLOAT")
            return .double(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))))
        case TDSTypeCode.decimal, TDSTypeCode.numeric:
            return .decimal(try DBNumericCodec.decode(raw))
        case TDSTypeCode.money, TDSTypeCode.moneyN:
            try need(raw, 8, "MONEY")
            let high = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)))
            let low = Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            return .decimal(money(high << 32 | low))
        case TDSTypeCode.money4:
            try need(raw, 4, "SMALLMONEY")
            return .decimal(money(Int64(Int32(littleEndian: raw.loadUnaligned(as: Int32.self)))))
        case TDSTypeCode.datetime, TDSTypeCode.datetimeN:
            return .timestamp(try DBDateTimeCodec.decodeDateTime(raw))
        case TDSTypeCode.datetime4:
            return .timestamp(try DBDateTimeCodec.decodeDateTime4(raw))
        case TDSTypeCode.msDate, TDSTypeCode.msTime, TDSTypeCode.msDatetime2, TDSTypeCode.msDatetimeOffset:
            return try DBDateTimeCodec.decode(raw, type: type)
        case TDSTypeCode.uniqueIdentifier:
            try need(raw, 16, "UNIQUEIDENTIFIER")
            return .uuid(uuid(wireBytes: [UInt8](raw.prefix(16))))
        default:
            throw DatabaseError(
                kind: .unsupported, message: "the SQL Server type \(TDSTypeCode.describe(type).name) is not supported")
        }
    }

    /// Whether DB-Library delivers values of type `type` as text (converted to the client charset, UTF-8).
    @inline(__always)
    static func isText(_ type: Int) -> Bool {
        switch type {
        case TDSTypeCode.char, TDSTypeCode.varchar, TDSTypeCode.text, TDSTypeCode.ntext, TDSTypeCode.nvarchar,
            TDSTypeCode.xnvarchar, TDSTypeCode.xvarchar, TDSTypeCode.xnchar, TDSTypeCode.xchar, TDSTypeCode.xml:
            return true
        default:
            return false
        }
    }

    /// A MONEY amount from its count of 1/10 000 units, with 4 decimal places.
    static func money(_ units: Int64) -> SQLDecimal {
        let magnitude = String(units.magnitude)
        return DBNumericCodec.makeDecimal(digits: magnitude, scale: 4, negative: units < 0)
    }

    /// A UUID from UNIQUEIDENTIFIER wire bytes: the first three groups are little-endian.
    static func uuid(wireBytes b: [UInt8]) -> UUID {
        UUID(
            uuid: (b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
    }

    /// UNIQUEIDENTIFIER wire bytes for a UUID (the inverse of ``uuid(wireBytes:)``).
    static func wireBytes(_ value: UUID) -> [UInt8] {
        let u = value.uuid
        return [u.3, u.2, u.1, u.0, u.5, u.4, u.7, u.6, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
    }

    private static func need(_ raw: UnsafeRawBufferPointer, _ count: Int, _ name: String) throws {
        guard raw.count >= count else {
            throw DatabaseError.typeMismatch("a \(name) value of \(raw.count) bytes; expected \(count)")
        }
    }
}
