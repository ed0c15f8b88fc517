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
    /// Three runs of ``count`` entries in one array (one allocation, not three): each parameter's format (0 text,
    /// 1 binary), then its byte length (text values count their terminating NUL out), then the start of its value
    /// in ``buffer`` (-1 for NULL).
    private var layout: [Int32] = []
    /// All values, back to back in the first ``used`` bytes; text values NUL-terminated. Longer than ``used`` when an
    /// earlier statement needed more (the bytes are overwritten, not removed and appended again).
    private var buffer: [UInt8] = []
    /// How many bytes of ``buffer`` hold this statement's values.
    private var used = 0

    /// The number of parameters.
    var count: Int { types.count }

    /// The bytes the value buffer holds, which a kept `PQParameters` keeps between statements.
    var retainedBytes: Int { buffer.count }

    /// The most value bytes a connection keeps from one statement to the next (64 KiB); a statement with larger
    /// values starts the next one from empty arrays, so one blob does not stay in memory as long as the connection.
    static let retainedBytesLimit = 64 * 1024

    /// No parameters.
    init() {}

    /// Encodes `values`.
    init(_ values: [SQLValue]) throws {
        try encode(values)
    }

    /// Replaces the parameters with `values`, keeping the arrays' capacity: a connection encodes every statement
    /// into one `PQParameters` it keeps, so a statement with a few parameters allocates nothing here.
    mutating func encode(_ values: [SQLValue]) throws {
        let count = values.count
        // Overwritten in place while the count stays (removing and appending goes through `replaceSubrange`).
        if types.count != count {
            types = [UInt32](repeating: 0, count: count)
            layout = [Int32](repeating: 0, count: 3 * count)
        }
        used = 0
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: max(8 * count, 1)) }
        for index in 0..<count {
            let start = used
            let (oid, format) = try encode(values[index])
            types[index] = oid
            let length: Int32
            let offset: Int32
            if format < 0 {
                (length, offset) = (0, -1)
            } else {
                guard used <= Int(Int32.max) else {
                    throw DatabaseError(kind: .invalidParameters, message: "the parameters exceed 2 GiB")
                }
                let end = format == 0 ? used - 1 : used
                (length, offset) = (Int32(truncatingIfNeeded: end - start), Int32(truncatingIfNeeded: start))
            }
            // One uniqueness check for the three entries (each subscript assignment made its own).
            layout.withUnsafeMutableBufferPointer { layout in
                layout[index] = max(format, 0)
                layout[count + index] = length
                layout[2 * count + index] = offset
            }
        }
        // The buffer is never empty: a zero-length value's pointer stays non-nil (nil means NULL to libpq).
    }

    /// Writes `bytes` at ``used``, growing ``buffer`` when they do not fit.
    private mutating func put(_ bytes: UnsafeRawBufferPointer) {
        let end = used + bytes.count
        if end > buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: max(end - buffer.count, buffer.count)))
        }
        if let source = bytes.baseAddress, !bytes.isEmpty {
            buffer.withUnsafeMutableBytes {
                $0.baseAddress!.advanced(by: used).copyMemory(from: source, byteCount: bytes.count)
            }
        }
        used = end
    }

    /// Writes one byte at ``used``.
    private mutating func put(byte: UInt8) {
        if used == buffer.count { buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, 8))) }
        buffer[used] = byte
        used += 1
    }

    /// Appends `value`'s bytes to ``buffer``; returns its type OID and format (0 text, NUL-terminated; 1 binary;
    /// -1 NULL, nothing appended).
    ///
    /// Inlined into the loop over the values: called, each value was copied out of the array and destroyed after
    /// through `SQLValue`'s outlined copy and destroy (~90 instructions a parameter, for an integer too); inlined,
    /// the switch reads the value in place.
    @inline(__always)
    private mutating func encode(_ value: SQLValue) throws -> (UInt32, Int32) {
        switch value {
        case .null:
            return (0, -1)
        case .bool(let flag):
            put(byte: flag ? 1 : 0)
            return (PQOid.bool, 1)
        case .int(let integer):
            if let small = Int32(exactly: integer) { return appendBinaryInteger(PQOid.int4, small) }
            return appendBinaryInteger(PQOid.int8, integer)
        case .double(let double):
            return appendBinaryInteger(PQOid.float8, double.bitPattern)
        case .decimal(let decimal):
            return appendText(PQOid.numeric, decimal.description)
        case .string(let string):
            guard !string.utf8.contains(0) else {
                throw DatabaseError(
                    kind: .invalidParameters, message: "PostgreSQL text cannot contain the NUL character (U+0000)")
            }
            return appendText(PQOid.text, string)
        case .bytes(let bytes):
            bytes.withUnsafeBytes { put($0) }
            return (PQOid.bytea, 1)
        case .date(let date):
            let days = date.daysSince1970 - PQColumnDecoder.epochOffsetDays
            guard let value = Int32(exactly: days) else { throw outOfRange(value) }
            return appendBinaryInteger(PQOid.date, value)
        case .time(let time):
            return appendBinaryInteger(PQOid.time, roundedMicros(time.nanosecondsSinceMidnight))
        case .timestamp(let timestamp):
            return appendBinaryInteger(PQOid.timestamp, try micros(since2000: timestamp, value))
        case .timestampTZ(let timestamp):
            return appendBinaryInteger(PQOid.timestamptz, try micros(since2000: timestamp.utc, value))
        case .uuid(let uuid):
            withUnsafeBytes(of: uuid.uuid) { put($0) }
            return (PQOid.uuid, 1)
        case .json(let text):
            return appendText(PQOid.json, text)
        }
    }

    private mutating func appendText(_ oid: UInt32, _ text: String) -> (UInt32, Int32) {
        var text = text
        text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
        put(byte: 0)
        return (oid, 0)
    }

    /// Appends an integer in network byte order straight into the buffer (no intermediate array): stored as one
    /// unaligned word, not copied through ``put(_:)``'s `memcpy` call.
    private mutating func appendBinaryInteger<T: FixedWidthInteger>(_ oid: UInt32, _ value: T) -> (UInt32, Int32) {
        let start = used
        let end = start + MemoryLayout<T>.size
        if end > buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: max(end - buffer.count, buffer.count)))
        }
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: value.bigEndian, toByteOffset: start, as: T.self) }
        used = end
        return (oid, 1)
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

    /// Calls `body` with libpq's arrays: a pointer to each value (nil for NULL), the lengths and the formats,
    /// valid only during the call. The value pointers live on the stack for up to 64 parameters.
    @inline(__always)
    func withArrays<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws -> R
    ) rethrows -> R {
        let count = self.count
        return try buffer.withUnsafeBufferPointer { raw in
            try layout.withUnsafeBufferPointer { layout in
                // No values without a buffer (``init()``); with values, the buffer is never empty.
                let base = raw.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                let formats = layout.baseAddress
                let lengths = formats.map { $0 + count }
                return try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: max(count, 1)) {
                    values in
                    for index in 0..<count {
                        let offset = layout[2 * count + index]
                        values[index] = offset < 0 ? nil : base.map { $0 + Int(offset) }
                    }
                    return try body(UnsafePointer(values.baseAddress), lengths, formats)
                }
            }
        }
    }
}
