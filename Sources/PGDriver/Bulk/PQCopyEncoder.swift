import DBCore
import Foundation

/// How values of one target column are written in PostgreSQL's binary COPY format (the same network-order
/// formats as binary parameters). Chosen once per column from the column's type OID.
///
/// | column type | accepted values |
/// |---|---|
/// | bool | `.bool` |
/// | int2 / int4 / int8 | `.int` (range-checked) |
/// | float4 / float8 | `.double`, `.int`, `.decimal` |
/// | numeric | `.decimal`, `.int`, `.double` (finite), `.string` (a decimal number) |
/// | text / varchar / bpchar / name | `.string`, `.json`, `.int`, `.decimal`, `.uuid` (their text) |
/// | bytea | `.bytes` |
/// | date / time | `.date` / `.time` |
/// | timestamp | `.timestamp`, `.timestampTZ` (its UTC time, as the session's UTC time zone casts) |
/// | timestamptz | `.timestampTZ`, `.timestamp` (taken as UTC) |
/// | uuid | `.uuid`, `.string` |
/// | json / jsonb | `.json`, `.string` |
///
/// `.null` is NULL for every column. Other column types are refused before the first row is sent.
enum PQCopyEncoder {
    case bool, int2, int4, int8, float4, float8, numeric, text, bytea
    case date, time, timestamp, timestamptz, uuid, json, jsonb

    /// The encoder for a column type, or `nil` when binary COPY of the type is not supported.
    init?(oid: UInt32) {
        switch oid {
        case PQOid.bool: self = .bool
        case PQOid.int2: self = .int2
        case PQOid.int4: self = .int4
        case PQOid.int8: self = .int8
        case PQOid.float4: self = .float4
        case PQOid.float8: self = .float8
        case PQOid.numeric: self = .numeric
        case PQOid.text, PQOid.varchar, PQOid.bpchar, PQOid.name: self = .text
        case PQOid.bytea: self = .bytea
        case PQOid.date: self = .date
        case PQOid.time: self = .time
        case PQOid.timestamp: self = .timestamp
        case PQOid.timestamptz: self = .timestamptz
        case PQOid.uuid: self = .uuid
        case PQOid.json: self = .json
        case PQOid.jsonb: self = .jsonb
        default: return nil
        }
    }

    /// Appends `value` as one field (length and bytes); throws a message when the value does not fit.
    func encode(_ value: SQLValue, into buffer: PQCopyBuffer) throws(PQCopyValueError) {
        if case .null = value {
            buffer.appendNull()
            return
        }
        switch (self, value) {
        case (.bool, .bool(let flag)):
            buffer.append(bigEndian: Int32(1))
            buffer.append(byte: flag ? 1 : 0)
        case (.int2, .int(let integer)):
            guard let small = Int16(exactly: integer) else { throw .outOfRange(value, self) }
            buffer.append(bigEndian: Int32(2))
            buffer.append(bigEndian: small)
        case (.int4, .int(let integer)):
            guard let small = Int32(exactly: integer) else { throw .outOfRange(value, self) }
            buffer.append(bigEndian: Int32(4))
            buffer.append(bigEndian: small)
        case (.int8, .int(let integer)):
            buffer.append(bigEndian: Int32(8))
            buffer.append(bigEndian: integer)
        case (.float4, _), (.float8, _):
            let double: Double
            switch value {
            case .double(let d): double = d
            case .int(let i): double = Double(i)
            case .decimal(let d):
                guard let parsed = Double(d.description) else { throw .mismatch(value, self) }
                double = parsed
            default: throw .mismatch(value, self)
            }
            if self == .float4 {
                buffer.append(bigEndian: Int32(4))
                buffer.append(bigEndian: Float(double).bitPattern)
            } else {
                buffer.append(bigEndian: Int32(8))
                buffer.append(bigEndian: double.bitPattern)
            }
        case (.numeric, _):
            let decimal: SQLDecimal
            switch value {
            case .decimal(let d): decimal = d
            case .int(let i): decimal = SQLDecimal(i)
            case .double(let d):
                guard d.isFinite, let parsed = SQLDecimal("\(d)") else { throw .mismatch(value, self) }
                decimal = parsed
            case .string(let s):
                guard let parsed = SQLDecimal(s) else { throw .mismatch(value, self) }
                decimal = parsed
            default: throw .mismatch(value, self)
            }
            guard PQNumericEncoder.encode(decimal, into: buffer) else { throw .outOfRange(value, self) }
        case (.text, .string(let text)), (.text, .json(let text)):
            try PQCopyEncoder.checkNoNUL(text, value)
            buffer.appendTextField(text)
        case (.text, .int(let integer)):
            buffer.appendTextField(String(integer))
        case (.text, .decimal(let decimal)):
            buffer.appendTextField(decimal.description)
        case (.text, .uuid(let uuid)):
            buffer.appendTextField(uuid.uuidString.lowercased())
        case (.bytea, .bytes(let bytes)):
            bytes.withUnsafeBytes { buffer.appendField($0) }
        case (.date, .date(let date)):
            guard let days = Int32(exactly: date.daysSince1970 - PQColumnDecoder.epochOffsetDays) else {
                throw .outOfRange(value, self)
            }
            buffer.append(bigEndian: Int32(4))
            buffer.append(bigEndian: days)
        case (.time, .time(let time)):
            buffer.append(bigEndian: Int32(8))
            buffer.append(bigEndian: PQCopyEncoder.roundedMicros(time.nanosecondsSinceMidnight))
        case (.timestamp, .timestamp(let local)), (.timestamptz, .timestamp(let local)):
            try appendTimestamp(local, value, buffer)
        case (.timestamp, .timestampTZ(let zoned)), (.timestamptz, .timestampTZ(let zoned)):
            try appendTimestamp(zoned.utc, value, buffer)
        case (.uuid, .uuid(let uuid)):
            buffer.append(bigEndian: Int32(16))
            withUnsafeBytes(of: uuid.uuid) { buffer.append($0) }
        case (.uuid, .string(let text)):
            guard let uuid = UUID(uuidString: text) else { throw .mismatch(value, self) }
            buffer.append(bigEndian: Int32(16))
            withUnsafeBytes(of: uuid.uuid) { buffer.append($0) }
        case (.json, .json(let text)), (.json, .string(let text)):
            try PQCopyEncoder.checkNoNUL(text, value)
            buffer.appendTextField(text)
        case (.jsonb, .json(let text)), (.jsonb, .string(let text)):
            try PQCopyEncoder.checkNoNUL(text, value)
            buffer.appendTextField(text, prefix: 1)
        default:
            throw .mismatch(value, self)
        }
    }

    private func appendTimestamp(
        _ timestamp: SQLTimestamp, _ value: SQLValue, _ buffer: PQCopyBuffer
    ) throws(PQCopyValueError) {
        let days = Int64(timestamp.date.daysSince1970 - PQColumnDecoder.epochOffsetDays)
        let (dayMicros, o1) = days.multipliedReportingOverflow(by: 86_400_000_000)
        let (total, o2) = dayMicros.addingReportingOverflow(
            PQCopyEncoder.roundedMicros(timestamp.time.nanosecondsSinceMidnight))
        guard !o1, !o2 else { throw .outOfRange(value, self) }
        buffer.append(bigEndian: Int32(8))
        buffer.append(bigEndian: total)
    }

    private static func checkNoNUL(_ text: String, _ value: SQLValue) throws(PQCopyValueError) {
        if text.utf8.contains(0) { throw .containsNUL }
    }

    /// Nanoseconds rounded half-up to microseconds (PostgreSQL keeps microseconds).
    static func roundedMicros(_ nanos: Int64) -> Int64 {
        let floor = nanos >= 0 ? nanos / 1000 : (nanos - 999) / 1000
        return nanos - floor * 1000 >= 500 ? floor + 1 : floor
    }
}

/// Why a value could not be written to its column.
enum PQCopyValueError: Error {
    case mismatch(SQLValue, PQCopyEncoder)
    case outOfRange(SQLValue, PQCopyEncoder)
    case containsNUL

    /// The message, naming the column.
    func message(column: String) -> String {
        switch self {
        case .mismatch(let value, let encoder):
            return "column '\(column)': cannot copy a \(value.kindName) value into a \(encoder) column"
        case .outOfRange(let value, let encoder):
            return "column '\(column)': the \(value.kindName) value is out of range for \(encoder)"
        case .containsNUL:
            return "column '\(column)': PostgreSQL text cannot contain the NUL character (U+0000)"
        }
    }
}
