import DBCore
import Foundation

/// One value ready for `bcp_bind`: the program-variable type DB-Library converts from, its bytes, and how its
/// length is given.
///
/// FreeTDS reads a length of 0 as NULL and -1 as "the type's own size" (fixed types). DB-Library's bcp has no
/// way to send a zero-length value (a terminator at the start reads as NULL too), so an empty string or binary
/// value is stored as NULL, as with `freebcp`.
struct BulkColumnValue {
    /// How DB-Library learns the value's length.
    enum Length: Equatable {
        /// NULL (`varlen` 0).
        case null
        /// A fixed-size C type (`varlen` -1).
        case fixed
        /// This many bytes (`varlen` n > 0).
        case bytes(Int)
        /// A 16-byte `DBDATETIMEALL`: FreeTDS counts some of the SQL Server date types as fixed-size (`varlen`
        /// -1) and others not (`varlen` 16), so both are tried.
        case dateTimeAll
    }

    /// The DB-Library program-variable type (`SYBINT8`, `SYBCHAR`, …).
    var type: Int
    /// The bytes `bcp_bind` points at.
    var bytes: [UInt8]
    /// How the length is given.
    var length: Length

    /// Encodes `value` for any server column type: FreeTDS converts from the program type to the column's type
    /// (found by `bcp_init`), so integers go as BIGINT, decimals and UUIDs as their exact text, strings as UTF-8
    /// (sent as UCS-2 to N-columns), dates as `DBDATETIMEALL`.
    ///
    /// FreeTDS does not convert the charset of program variables: strings for an N-column (`unicode`) go as
    /// UTF-16LE bytes, which it copies to the wire as UCS-2.
    static func encode(_ value: SQLValue, unicode: Bool = false) -> BulkColumnValue {
        switch value {
        case .null:
            return BulkColumnValue(type: TDSTypeCode.char, bytes: [0], length: .null)
        case .bool(let flag):
            return BulkColumnValue(type: TDSTypeCode.bit, bytes: [flag ? 1 : 0], length: .fixed)
        case .int(let integer):
            return BulkColumnValue(type: TDSTypeCode.int8, bytes: littleEndian(integer), length: .fixed)
        case .double(let double):
            return BulkColumnValue(type: TDSTypeCode.float8, bytes: littleEndian(double.bitPattern), length: .fixed)
        case .decimal(let decimal):
            return text(decimal.description)
        case .string(let string), .json(let string):
            guard unicode else { return text(string) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(string.utf8.count * 2)
            for unit in string.utf16 {
                bytes.append(UInt8(truncatingIfNeeded: unit))
                bytes.append(UInt8(truncatingIfNeeded: unit >> 8))
            }
            if bytes.isEmpty { return BulkColumnValue(type: TDSTypeCode.char, bytes: [0], length: .null) }
            return BulkColumnValue(type: TDSTypeCode.char, bytes: bytes, length: .bytes(bytes.count))
        case .uuid(let uuid):
            return text(uuid.uuidString)
        case .bytes(let bytes):
            if bytes.isEmpty { return BulkColumnValue(type: TDSTypeCode.binary, bytes: [0], length: .null) }
            return BulkColumnValue(type: TDSTypeCode.binary, bytes: bytes, length: .bytes(bytes.count))
        case .date, .time, .timestamp, .timestampTZ:
            let all = DBDateTimeCodec.encode(value)!
            let type: Int
            switch value {
            case .date: type = TDSTypeCode.msDate
            case .time: type = TDSTypeCode.msTime
            case .timestampTZ: type = TDSTypeCode.msDatetimeOffset
            default: type = TDSTypeCode.msDatetime2
            }
            let bytes = DBDateTimeCodec.bytes(all)
            return BulkColumnValue(type: type, bytes: bytes, length: .dateTimeAll)
        }
    }

    /// Whether a DB-Library column type (from `dbcoltype`) holds UCS-2 on the wire.
    static func isUnicode(columnType: Int) -> Bool {
        [TDSTypeCode.xnvarchar, TDSTypeCode.xnchar, TDSTypeCode.ntext, TDSTypeCode.nvarchar].contains(columnType)
    }

    private static func text(_ string: String) -> BulkColumnValue {
        let bytes = Array(string.utf8)
        if bytes.isEmpty { return BulkColumnValue(type: TDSTypeCode.char, bytes: [0], length: .null) }
        return BulkColumnValue(type: TDSTypeCode.char, bytes: bytes, length: .bytes(bytes.count))
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
