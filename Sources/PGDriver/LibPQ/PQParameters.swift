import DBCore
import Foundation

/// Statement parameters in libpq's four parallel arrays (types, values, lengths, formats), encoded once into one
/// byte buffer. Values never become part of the SQL text.
///
/// | SQLValue | type (OID) | format |
/// |---|---|---|
/// | `.null` | 0 (the server infers) | — |
/// | `.bool` | bool (16) | binary |
/// | `.int` | int4 (23) when it fits, else int8 (20) | binary |
/// | `.double` | float8 (701) | binary |
/// | `.decimal` | numeric (1700) | text (exact) |
/// | `.string` | text (25) | text |
/// | `.bytes` | bytea (17) | binary |
/// | `.date` / `.time` / `.timestamp` / `.timestampTZ` | 1082 / 1083 / 1114 / 1184 | binary, rounded to the µs |
/// | `.uuid` | uuid (2950) | binary |
/// | `.json` | json (114) | text |
///
/// Integers that fit in 32 bits go as `int4` so that functions taking `integer` (`repeat`, `left`) accept them;
/// PostgreSQL widens `int4` to `int8` implicitly, never the reverse.
struct PQParameters {
    /// The type OID per parameter.
    private(set) var types: [UInt32] = []
    /// 0 for text, 1 for binary.
    private(set) var formats: [Int32] = []
    /// The byte length per parameter (text values count their terminating NUL out).
    private(set) var lengths: [Int32] = []
    /// The start of each value in ``buffer``, or -1 for NULL.
    private var offsets: [Int] = []
    /// All values, back to back; text values NUL-terminated.
    private var buffer: [UInt8] = []

    /// The number of parameters.
    var count: Int { types.count }

    /// Encodes `values`.
    init(_ values: [SQLValue]) throws {
        types.reserveCapacity(values.count)
        formats.reserveCapacity(values.count)
        lengths.reserveCapacity(values.count)
        offsets.reserveCapacity(values.count)
        for value in values { try append(value) }
        // A non-empty buffer keeps a zero-length value's pointer non-nil (nil means NULL to libpq).
        if buffer.isEmpty { buffer.append(0) }
    }

    private mutating func append(_ value: SQLValue) throws {
        switch value {
        case .null:
            types.append(0)
            formats.append(0)
            lengths.append(0)
            offsets.append(-1)
        case .bool(let flag):
            appendBinary(PQOid.bool, [flag ? 1 : 0])
        case .int(let integer):
            if let small = Int32(exactly: integer) {
                appendBinaryInteger(PQOid.int4, small)
            } else {
                appendBinaryInteger(PQOid.int8, integer)
            }
        case .double(let double):
            appendBinaryInteger(PQOid.float8, double.bitPattern)
        case .decimal(let decimal):
            appendText(PQOid.numeric, decimal.description)
        case .string(let string):
            guard !string.utf8.contains(0) else {
                throw DatabaseError(
                    kind: .invalidParameters, message: "PostgreSQL text cannot contain the NUL character (U+0000)")
            }
            appendText(PQOid.text, string)
        case .bytes(let bytes):
            appendBinary(PQOid.bytea, bytes)
        case .date(let date):
            let days = date.daysSince1970 - PQColumnDecoder.epochOffsetDays
            guard let value = Int32(exactly: days) else { throw outOfRange(value) }
            appendBinaryInteger(PQOid.date, value)
        case .time(let time):
            appendBinaryInteger(PQOid.time, roundedMicros(time.nanosecondsSinceMidnight))
        case .timestamp(let timestamp):
            appendBinaryInteger(PQOid.timestamp, try micros(since2000: timestamp, value))
        case .timestampTZ(let timestamp):
            appendBinaryInteger(PQOid.timestamptz, try micros(since2000: timestamp.utc, value))
        case .uuid(let uuid):
            appendBinary(PQOid.uuid, withUnsafeBytes(of: uuid.uuid) { [UInt8]($0) })
        case .json(let text):
            appendText(PQOid.json, text)
        }
    }

    private mutating func appendBinary(_ oid: UInt32, _ bytes: [UInt8]) {
        types.append(oid)
        formats.append(1)
        lengths.append(Int32(bytes.count))
        offsets.append(buffer.count)
        buffer.append(contentsOf: bytes)
    }

    private mutating func appendText(_ oid: UInt32, _ text: String) {
        types.append(oid)
        formats.append(0)
        offsets.append(buffer.count)
        let before = buffer.count
        buffer.append(contentsOf: text.utf8)
        lengths.append(Int32(buffer.count - before))
        buffer.append(0)
    }

    /// Appends an integer in network byte order straight into the buffer (no intermediate array).
    private mutating func appendBinaryInteger<T: FixedWidthInteger>(_ oid: UInt32, _ value: T) {
        types.append(oid)
        formats.append(1)
        lengths.append(Int32(MemoryLayout<T>.size))
        offsets.append(buffer.count)
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    /// Nanoseconds rounded half-up to microseconds (PostgreSQL keeps microseconds).
    private func roundedMicros(_ nanos: Int64) -> Int64 {
        let floor = nanos >= 0 ? nanos / 1000 : (nanos - 999) / 1000
        let rest = nanos - floor * 1000
        return rest >= 500 ? floor + 1 : floor
    }

    private func micros(since2000 timestamp: SQLTimestamp, _ value: SQLValue) throws -> Int64 {
        let days = Int64(timestamp.date.daysSince1970 - PQColumnDecoder.epochOffsetDays)
        let (dayMicros, o1) = days.multipliedReportingOverflow(by: 86_400_000_000)
        let (total, o2) = dayMicros.addingReportingOverflow(roundedMicros(timestamp.time.nanosecondsSinceMidnight))
        guard !o1, !o2 else { throw outOfRange(value) }
        return total
    }

    private func outOfRange(_ value: SQLValue) -> DatabaseError {
        DatabaseError(kind: .invalidParameters, message: "\(value) is out of PostgreSQL's range")
    }

    /// Calls `body` with pointers to each value (nil for NULL), valid only during the call.
    func withValuePointers<R>(_ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
        try buffer.withUnsafeBufferPointer { raw in
            let base = raw.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            let pointers = offsets.map { offset -> UnsafePointer<CChar>? in
                guard offset >= 0, let base else { return nil }
                return base + offset
            }
            return try body(pointers)
        }
    }
}
