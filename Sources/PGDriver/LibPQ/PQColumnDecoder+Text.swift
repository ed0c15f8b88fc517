import DBCore
import Foundation

extension PQColumnDecoder {
    /// Decodes a text-format value (results of the simple query protocol, used for several statements in one
    /// `execute`). Values with no ``SQLValue`` equivalent (`infinity`, `NaN`, BC dates) stay `.string`.
    func decodeText(_ bytes: UnsafeRawBufferPointer) throws -> SQLValue {
        // Only the cases that need a String make one (integers parse straight from the bytes).
        var text: String { String(decoding: bytes, as: UTF8.self) }
        switch self {
        case .bool:
            return .bool(bytes.first == UInt8(ascii: "t"))
        case .int2, .int4, .int8, .oid:
            guard let value = PQColumnDecoder.parseInt(bytes) else { throw mismatch(text) }
            return .int(value)
        case .float4, .float8:
            let string = text
            guard let value = Double(string) else { throw mismatch(string) }
            return .double(value)
        case .numeric:
            let string = text
            return SQLDecimal(string).map(SQLValue.decimal) ?? .string(string)
        case .money:
            // The C locale writes `$1,234.56` or `-$1,234.56`.
            let string = text
            return SQLDecimal(string.filter { $0 != "$" && $0 != "," }).map(SQLValue.decimal) ?? .string(string)
        case .text, .unknown:
            return .string(text)
        case .json, .jsonb:
            return .json(text)
        case .bytea:
            return .bytes(try PQColumnDecoder.unhex(bytes))
        case .uuid:
            let string = text
            guard let uuid = UUID(uuidString: string) else { throw mismatch(string) }
            return .uuid(uuid)
        case .date:
            let string = text
            return SQLDate(iso: string).map(SQLValue.date) ?? .string(string)
        case .time:
            let string = text
            return SQLTime(iso: string).map(SQLValue.time) ?? .string(string)
        case .timestamp:
            let string = text
            return SQLTimestamp(iso: string).map(SQLValue.timestamp) ?? .string(string)
        case .timestamptz:
            let string = text
            return SQLTimestampTZ(iso: string).map(SQLValue.timestampTZ) ?? .string(string)
        case .timetz, .interval:
            return .string(text)
        }
    }

    private func mismatch(_ text: String) -> DatabaseError {
        DatabaseError(kind: .typeMismatch, message: "cannot read '\(text)' as \(self)")
    }

    /// A decimal integer, parsed from ASCII without making a String.
    static func parseInt(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = Int64(bytes[index]) - 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
            index += 1
        }
        return value
    }

    /// `\x` hex bytea text to bytes.
    static func unhex(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else {
            throw DatabaseError(kind: .typeMismatch, message: "bytea text is not in hex format")
        }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: throw DatabaseError(kind: .typeMismatch, message: "bad hex digit in bytea text")
            }
        }
        var result = [UInt8]()
        result.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index < bytes.count {
            result.append(try nibble(bytes[index]) << 4 | nibble(bytes[index + 1]))
            index += 2
        }
        return result
    }
}
