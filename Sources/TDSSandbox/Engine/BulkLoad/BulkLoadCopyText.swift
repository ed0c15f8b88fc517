import DBCore
import Foundation

/// Writes values in PostgreSQL's COPY text format: columns separated by tabs, rows ended by a newline, NULL as
/// `\N`, backslash, tab, newline and carriage return escaped. `datetimeoffset` values become the sandbox's
/// composite `(utc, offset_minutes)`, bytes `\\x…` hex.
enum BulkLoadCopyText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends one row (with its newline) to `buffer`.
    static func appendRow(_ values: [SQLValue], to buffer: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(0x09) }
            append(value, to: &buffer)
        }
        buffer.append(0x0A)
    }

    private static func appendEscaped(_ text: String, to buffer: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 0x5C:
                buffer.append(0x5C)
                buffer.append(0x5C)
            case 0x09:
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "t"))
            case 0x0A:
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "n"))
            case 0x0D:
                buffer.append(0x5C)
                buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }

    private static func appendPlain(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: text.utf8)
    }

    private static func append(_ value: SQLValue, to buffer: inout [UInt8]) {
        switch value {
        case .null:
            buffer.append(0x5C)
            buffer.append(UInt8(ascii: "N"))
        case .bool(let flag): buffer.append(UInt8(ascii: flag ? "t" : "f"))
        case .int(let number): appendPlain(String(number), to: &buffer)
        case .double(let number):
            if number.isNaN {
                appendPlain("NaN", to: &buffer)
            } else if number.isInfinite {
                appendPlain(number < 0 ? "-Infinity" : "Infinity", to: &buffer)
            } else {
                appendPlain(String(number), to: &buffer)
            }
        case .decimal(let number): appendPlain(number.description, to: &buffer)
        case .string(let text), .json(let text): appendEscaped(text, to: &buffer)
        case .bytes(let bytes):
            buffer.append(0x5C)
            buffer.append(0x5C)
            buffer.append(UInt8(ascii: "x"))
            for byte in bytes {
                buffer.append(hexDigits[Int(byte >> 4)])
                buffer.append(hexDigits[Int(byte & 0x0F)])
            }
        case .date(let date): appendPlain(date.description, to: &buffer)
        case .time(let time): appendPlain(time.description, to: &buffer)
        case .timestamp(let timestamp): appendPlain(timestamp.description, to: &buffer)
        case .timestampTZ(let timestamp):
            appendPlain("(\"\(timestamp.utc.description)\",\(timestamp.offsetSeconds / 60))", to: &buffer)
        case .uuid(let uuid): appendPlain(uuid.uuidString, to: &buffer)
        }
    }
}
