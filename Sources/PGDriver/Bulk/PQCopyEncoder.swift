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
///
/// The hot path switches on the column's encoder first and then matches the value in place, so no value is
/// copied or boxed, and every field is written straight into the copy buffer.
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

    /// Appends the value at `pointer` as one field (length and bytes); throws a message when the value does not
    /// fit.
    ///
    /// The value is read in place: each case first takes its payload out of the row (a pure read the optimiser
    /// does not copy the whole enum for), then writes, so no `SQLValue` is copied per field.
    func encode(_ pointer: UnsafePointer<SQLValue>, into buffer: PQCopyBuffer) throws(PQCopyValueError) {
        if case .null = pointer.pointee {
            buffer.appendNull()
            return
        }
        switch self {
        case .int4:
            guard case .int(let integer) = pointer.pointee else { throw .mismatch(pointer.pointee, self) }
            guard let small = Int32(exactly: integer) else { throw .outOfRange(pointer.pointee, self) }
            buffer.appendFixed(small)
        case .int8:
            guard case .int(let integer) = pointer.pointee else { throw .mismatch(pointer.pointee, self) }
            buffer.appendFixed(integer)
        case .int2:
            guard case .int(let integer) = pointer.pointee else { throw .mismatch(pointer.pointee, self) }
            guard let small = Int16(exactly: integer) else { throw .outOfRange(pointer.pointee, self) }
            buffer.appendFixed(small)
        case .text, .json:
            if case .string(let text) = pointer.pointee {
                guard buffer.appendTextField(text) else { throw .containsNUL }
            } else {
                try encodeText(pointer.pointee, into: buffer)
            }
        case .float8:
            if case .double(let double) = pointer.pointee {
                buffer.appendFixed(double.bitPattern)
            } else {
                buffer.appendFixed(try double(pointer.pointee).bitPattern)
            }
        case .float4:
            buffer.appendFixed(Float(try double(pointer.pointee)).bitPattern)
        case .numeric:
            if case .decimal(let decimal) = pointer.pointee {
                guard PQNumericEncoder.encode(decimal, into: buffer) else { throw .outOfRange(pointer.pointee, self) }
            } else {
                try encodeNumeric(pointer.pointee, into: buffer)
            }
        case .timestamp, .timestamptz:
            let utc: SQLTimestamp
            switch pointer.pointee {
            case .timestamp(let local): utc = local
            case .timestampTZ(let zoned): utc = zoned.utc
            default: throw .mismatch(pointer.pointee, self)
            }
            guard let micros = PQCopyEncoder.micros(utc) else { throw .outOfRange(pointer.pointee, self) }
            buffer.appendFixed(micros)
        default:
            try encodeOther(pointer.pointee, into: buffer)
        }
    }

    /// The less common column types.
    private func encodeOther(_ value: SQLValue, into buffer: PQCopyBuffer) throws(PQCopyValueError) {
        switch self {
        case .bool:
            guard case .bool(let flag) = value else { throw .mismatch(value, self) }
            buffer.appendFixed(UInt8(flag ? 1 : 0))
        case .bytea:
            guard case .bytes(let bytes) = value else { throw .mismatch(value, self) }
            bytes.withUnsafeBytes { buffer.appendField($0) }
        case .date:
            guard case .date(let date) = value else { throw .mismatch(value, self) }
            guard let days = Int32(exactly: date.daysSince1970 - PQColumnDecoder.epochOffsetDays) else {
                throw .outOfRange(value, self)
            }
            buffer.appendFixed(days)
        case .time:
            guard case .time(let time) = value else { throw .mismatch(value, self) }
            buffer.appendFixed(PQCopyEncoder.roundedMicros(time.nanosecondsSinceMidnight))
        case .uuid:
            let uuid: UUID
            switch value {
            case .uuid(let value): uuid = value
            case .string(let text):
                guard let parsed = UUID(uuidString: text) else { throw .mismatch(value, self) }
                uuid = parsed
            default: throw .mismatch(value, self)
            }
            buffer.append(bigEndian: Int32(16))
            withUnsafeBytes(of: uuid.uuid) { buffer.append($0) }
        case .jsonb:
            switch value {
            case .json(let text), .string(let text):
                guard buffer.appendTextField(text, prefix: 1) else { throw .containsNUL }
            default: throw .mismatch(value, self)
            }
        default:
            throw .mismatch(value, self)
        }
    }

    /// text/varchar/bpchar/name take strings, JSON text and the text of numbers and UUIDs; json takes strings and
    /// JSON text.
    private func encodeText(_ value: SQLValue, into buffer: PQCopyBuffer) throws(PQCopyValueError) {
        switch value {
        case .string(let text), .json(let text):
            guard buffer.appendTextField(text) else { throw .containsNUL }
        case .int(let integer) where self == .text:
            _ = buffer.appendTextField(String(integer))
        case .decimal(let decimal) where self == .text:
            _ = buffer.appendTextField(decimal.description)
        case .uuid(let uuid) where self == .text:
            _ = buffer.appendTextField(uuid.uuidString.lowercased())
        default:
            throw .mismatch(value, self)
        }
    }

    private func double(_ value: SQLValue) throws(PQCopyValueError) -> Double {
        switch value {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .decimal(let d):
            guard let parsed = Double(d.description) else { throw .mismatch(value, self) }
            return parsed
        default: throw .mismatch(value, self)
        }
    }

    private func encodeNumeric(_ value: SQLValue, into buffer: PQCopyBuffer) throws(PQCopyValueError) {
        let fits: Bool
        switch value {
        case .decimal(let d): fits = PQNumericEncoder.encode(d, into: buffer)
        case .int(let i): fits = PQNumericEncoder.encode(SQLDecimal(i), into: buffer)
        case .double(let d):
            guard d.isFinite, let parsed = SQLDecimal("\(d)") else { throw .mismatch(value, self) }
            fits = PQNumericEncoder.encode(parsed, into: buffer)
        case .string(let s):
            guard let parsed = SQLDecimal(s) else { throw .mismatch(value, self) }
            fits = PQNumericEncoder.encode(parsed, into: buffer)
        default: throw .mismatch(value, self)
        }
        guard fits else { throw .outOfRange(value, self) }
    }

    /// Microseconds since 2000-01-01 (PostgreSQL's epoch), or `nil` beyond the 64-bit range.
    static func micros(_ timestamp: SQLTimestamp) -> Int64? {
        let days = Int64(timestamp.date.daysSince1970 - PQColumnDecoder.epochOffsetDays)
        let (dayMicros, o1) = days.multipliedReportingOverflow(by: 86_400_000_000)
        let (total, o2) = dayMicros.addingReportingOverflow(
            PQCopyEncoder.roundedMicros(timestamp.time.nanosecondsSinceMidnight))
        return o1 || o2 ? nil : total
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
