import DBCore
import Foundation

/// Decodes one column value (TYPE_VARBYTE, [MS-TDS] 2.2.5.2.3) into an ``SQLValue``, independently of the
/// sandbox's encoder: integers, bit, floats, money, datetime/smalldatetime, decimal, date, time, datetime2,
/// datetimeoffset, uniqueidentifier, char/varchar (code page 1252), nchar/nvarchar (UCS-2), binary, and the
/// PLP (max) types.
enum WireValueDecoder {
    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    /// Days from 0001-01-01 and from 1900-01-01 to 1970-01-01.
    static let daysFrom0001To1970 = 719_162
    static let daysFrom1900To1970 = 25_567

    static func value(of column: WireColumn, from client: WireClient) throws -> SQLValue {
        switch column.typeByte {
        case 0xA7, 0xAF, 0xE7, 0xEF, 0xA5, 0xAD:
            let bytes: [UInt8]
            if column.maxLength == 0xFFFF {
                guard let plp = try plp(client) else { return .null }
                bytes = plp
            } else {
                let length = Int(try client.unsigned(2))
                if length == 0xFFFF { return .null }
                bytes = Array(try client.take(length))
            }
            switch column.typeByte {
            case 0xA7, 0xAF: return .string(String(bytes: bytes, encoding: .windowsCP1252) ?? "<not cp1252>")
            case 0xE7, 0xEF: return .string(utf16(bytes[...]))
            default: return .bytes(bytes)
            }
        default:
            let length = Int(try client.byte())
            if length == 0 { return .null }
            return try fixed(column, Array(try client.take(length)))
        }
    }

    /// A value with a one-byte length prefix, already read.
    private static func fixed(_ column: WireColumn, _ bytes: [UInt8]) throws -> SQLValue {
        func le(_ slice: ArraySlice<UInt8>) -> UInt64 {
            slice.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        let all = bytes[...]
        switch (column.typeByte, bytes.count) {
        case (0x26, 1): return .int(Int64(bytes[0]))
        case (0x26, 2): return .int(Int64(Int16(truncatingIfNeeded: le(all))))
        case (0x26, 4): return .int(Int64(Int32(truncatingIfNeeded: le(all))))
        case (0x26, 8): return .int(Int64(bitPattern: le(all)))
        case (0x68, 1): return .bool(bytes[0] != 0)
        case (0x6D, 4): return .double(Double(Float(bitPattern: UInt32(le(all)))))
        case (0x6D, 8): return .double(Double(bitPattern: le(all)))
        case (0x6E, 4): return money(Int64(Int32(truncatingIfNeeded: le(all))))
        case (0x6E, 8):
            let high = Int64(Int32(truncatingIfNeeded: le(all[0..<4])))
            return money(high << 32 | Int64(le(all[4..<8])))
        case (0x6F, 4):
            let days = Int(le(all[0..<2]))
            let minutes = Int(le(all[2..<4]))
            return .timestamp(
                SQLTimestamp(
                    date: SQLDate(daysSince1970: days - daysFrom1900To1970),
                    time: try time(nanoseconds: Int64(minutes) * 60_000_000_000)))
        case (0x6F, 8):
            let days = Int(Int32(truncatingIfNeeded: le(all[0..<4])))
            let ticks = Int64(le(all[4..<8]))
            // 1/300 s ticks, shown by SQL Server rounded to milliseconds.
            let milliseconds = (ticks * 10 + 1) / 3
            return .timestamp(
                SQLTimestamp(
                    date: SQLDate(daysSince1970: days - daysFrom1900To1970),
                    time: try time(nanoseconds: milliseconds * 1_000_000)))
        case (0x6A, _), (0x6C, _):
            let text = decimalText(
                positive: bytes[0] == 1, magnitude: Array(bytes.dropFirst()), scale: column.scale ?? 0)
            guard let decimal = SQLDecimal(text) else { throw DecodeError(description: "bad decimal \(text)") }
            return .decimal(decimal)
        case (0x28, 3):
            return .date(SQLDate(daysSince1970: Int(le(all)) - daysFrom0001To1970))
        case (0x29, _):
            return .time(try scaledTime(all, scale: column.scale ?? 7))
        case (0x2A, _):
            return .timestamp(try timestamp(all, scale: column.scale ?? 7))
        case (0x2B, _):
            let stamp = try timestamp(all.dropLast(2), scale: column.scale ?? 7)
            let offset = Int(Int16(truncatingIfNeeded: le(all.suffix(2))))
            return .timestampTZ(SQLTimestampTZ(utc: stamp, offsetSeconds: offset * 60))
        case (0x24, 16):
            let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]
            let b = order.map { bytes[$0] }
            let uuid = UUID(
                uuid: (
                    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
                ))
            return .uuid(uuid)
        default:
            throw DecodeError(
                description: "value of \(bytes.count) bytes for type 0x\(String(column.typeByte, radix: 16))")
        }
    }

    private static func money(_ scaled: Int64) -> SQLValue {
        let magnitude = String(scaled.magnitude)
        let padded = String(repeating: "0", count: max(0, 5 - magnitude.count)) + magnitude
        let text = (scaled < 0 ? "-" : "") + padded.dropLast(4) + "." + padded.suffix(4)
        return .decimal(SQLDecimal(text)!)
    }

    private static func time(nanoseconds: Int64) throws -> SQLTime {
        guard let time = SQLTime(nanosecondsSinceMidnight: nanoseconds) else {
            throw DecodeError(description: "time out of range: \(nanoseconds) ns")
        }
        return time
    }

    /// A time of `bytes.count` bytes in units of 10^-scale seconds.
    private static func scaledTime(_ bytes: ArraySlice<UInt8>, scale: Int) throws -> SQLTime {
        let units = bytes.reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
        var nanoseconds = units
        for _ in 0..<(9 - scale) { nanoseconds *= 10 }
        return try time(nanoseconds: nanoseconds)
    }

    /// A time followed by a 3-byte date.
    private static func timestamp(_ bytes: ArraySlice<UInt8>, scale: Int) throws -> SQLTimestamp {
        let timeBytes = bytes.dropLast(3)
        let days = bytes.suffix(3).reversed().reduce(0) { $0 << 8 | Int($1) }
        return SQLTimestamp(
            date: SQLDate(daysSince1970: days - daysFrom0001To1970), time: try scaledTime(timeBytes, scale: scale))
    }

    /// The decimal text of a little-endian magnitude with `scale` digits after the point.
    static func decimalText(positive: Bool, magnitude: [UInt8], scale: Int) -> String {
        // Long division by 10 of the little-endian magnitude, most significant byte first.
        var number = Array(magnitude.reversed())
        var digits: [Character] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for position in number.indices {
                let value = remainder << 8 | Int(number[position])
                number[position] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(Character(String(remainder)))
        }
        while digits.count <= scale { digits.append("0") }
        var text = String(digits.reversed())
        if scale > 0 { text.insert(".", at: text.index(text.endIndex, offsetBy: -scale)) }
        return (positive ? "" : "-") + text
    }

    /// A PLP value: `nil` for NULL.
    private static func plp(_ client: WireClient) throws -> [UInt8]? {
        let total = try client.unsigned(8)
        if total == UInt64.max { return nil }
        var bytes: [UInt8] = []
        while true {
            let chunk = Int(try client.unsigned(4))
            if chunk == 0 { break }
            bytes += try client.take(chunk)
        }
        guard total == 0xFFFF_FFFF_FFFF_FFFE || UInt64(bytes.count) == total else {
            throw DecodeError(description: "PLP chunks add up to \(bytes.count), announced \(total)")
        }
        return bytes
    }

    /// UTF-16LE text.
    static func utf16(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.count % 2 == 0, let text = String(bytes: bytes, encoding: .utf16LittleEndian) { return text }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var position = bytes.startIndex
        while position + 1 < bytes.endIndex {
            units.append(UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8)
            position += 2
        }
        return String(decoding: units, as: UTF16.self)
    }
}
