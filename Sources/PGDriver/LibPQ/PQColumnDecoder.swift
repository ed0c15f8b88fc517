import DBCore
import Foundation

/// How one result column's values become ``SQLValue``s. Chosen once per column per result; the binary decoders
/// read PostgreSQL's network-order wire formats straight from libpq's buffer.
///
/// Special values with no ``SQLValue`` equivalent decode as `.string`: numeric `NaN`/`Infinity`/`-Infinity`,
/// date/timestamp `infinity`/`-infinity`. Types without a decoder decode as `.string` when their bytes are
/// UTF-8 text without NUL (enums, domains over text, citext), else as `.bytes`; cast them to `text` in SQL for
/// their text form.
enum PQColumnDecoder {
    case bool, int2, int4, int8, oid, float4, float8, numeric, money
    case text, json, jsonb, bytea, uuid
    case date, time, timetz, timestamp, timestamptz, interval
    case unknown

    /// Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
    static let epochOffsetMicros: Int64 = 946_684_800_000_000
    /// Days between 1970-01-01 and 2000-01-01.
    static let epochOffsetDays = 10_957

    /// Decodes a binary-format value of `bytes.count` bytes.
    ///
    /// Inlined into the row loops: the common types (integers, `float8`, `bool`, text, `numeric`, timestamps) are
    /// decoded right there, one switch per column; the others go through ``decodeOtherBinary(_:)``. A call per
    /// column to the whole switch cost ~35 instructions before any decoding (a 3 KiB frame with a stack
    /// protector, the value returned through memory), more than an integer's decoding itself.
    @inline(__always)
    func decodeBinary(_ bytes: UnsafeRawBufferPointer) throws -> SQLValue {
        switch self {
        case .bool:
            return .bool(bytes.first != 0)
        case .int2:
            try expect(bytes, 2)
            return .int(Int64(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self))))
        case .int4:
            try expect(bytes, 4)
            return .int(Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self))))
        case .int8:
            try expect(bytes, 8)
            return .int(Int64(bigEndian: bytes.loadUnaligned(as: Int64.self)))
        case .float8:
            try expect(bytes, 8)
            return .double(Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))))
        case .numeric:
            return try PQNumeric.decode(bytes)
        case .text:
            return .string(PQColumnDecoder.text(bytes))
        case .timestamp, .timestamptz:
            try expect(bytes, 8)
            return PQColumnDecoder.timestamp(
                micros: Int64(bigEndian: bytes.loadUnaligned(as: Int64.self)), withZone: self == .timestamptz)
        default:
            return try decodeOtherBinary(bytes)
        }
    }

    /// ``decodeBinary(_:)`` for the types it does not decode inline.
    @inline(never)
    private func decodeOtherBinary(_ bytes: UnsafeRawBufferPointer) throws -> SQLValue {
        switch self {
        case .bool, .int2, .int4, .int8, .float8, .numeric, .text, .timestamp, .timestamptz:
            preconditionFailure("decodeBinary(_:) decodes \(self) inline")
        case .oid:
            try expect(bytes, 4)
            return .int(Int64(UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))))
        case .float4:
            try expect(bytes, 4)
            return .double(Double(Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)))))
        case .money:
            try expect(bytes, 8)
            let cents = Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
            return .decimal(PQNumeric.decimal(cents: cents))
        case .json:
            return .json(PQColumnDecoder.text(bytes))
        case .jsonb:
            // Version byte 1, then the JSON text.
            guard let version = bytes.first, version == 1 else {
                throw DatabaseError(kind: .unsupported, message: "unknown jsonb binary version \(bytes.first ?? 0)")
            }
            return .json(PQColumnDecoder.text(UnsafeRawBufferPointer(rebasing: bytes.dropFirst())))
        case .bytea:
            return .bytes([UInt8](bytes))
        case .uuid:
            try expect(bytes, 16)
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: bytes) }
            return .uuid(UUID(uuid: uuid))
        case .date:
            try expect(bytes, 4)
            let days = Int32(bigEndian: bytes.loadUnaligned(as: Int32.self))
            if days == Int32.max { return .string("infinity") }
            if days == Int32.min { return .string("-infinity") }
            return .date(SQLDate(daysSince1970: Int(days) + PQColumnDecoder.epochOffsetDays))
        case .time:
            try expect(bytes, 8)
            let micros = Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
            guard let time = SQLTime(nanosecondsSinceMidnight: micros * 1000) else {
                // 24:00:00 is a valid PostgreSQL time with no SQLTime equivalent.
                return .string(PQColumnDecoder.clockText(micros: micros))
            }
            return .time(time)
        case .timetz:
            try expect(bytes, 12)
            let micros = Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
            let zoneWest = Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int32.self))
            let east = -Int(zoneWest)
            let sign = east < 0 ? "-" : "+"
            let magnitude = abs(east)
            var text = PQColumnDecoder.clockText(micros: micros) + sign + pad2(magnitude / 3600)
            if magnitude % 3600 != 0 { text += ":" + pad2(magnitude / 60 % 60) }
            if magnitude % 60 != 0 { text += ":" + pad2(magnitude % 60) }
            return .string(text)
        case .interval:
            try expect(bytes, 16)
            let micros = Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
            let days = Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int32.self))
            let months = Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 12, as: Int32.self))
            return .string(PQColumnDecoder.intervalText(micros: micros, days: Int(days), months: Int(months)))
        case .unknown:
            if !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) {
                return .string(text)
            }
            return .bytes([UInt8](bytes))
        }
    }

    /// UTF-8 bytes as a `String`, ill-formed sequences repaired (U+FFFD) exactly as `String(decoding:as:)` does:
    /// copied into the string's own storage, which for short ASCII text (up to 15 bytes, a small string) skips the
    /// validation pass and the intermediate copy `String(decoding:as:)` makes (~210 → ~90 instructions).
    @inline(__always)
    static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            guard let base = bytes.baseAddress, let target = buffer.baseAddress else { return 0 }
            UnsafeMutableRawPointer(target).copyMemory(from: base, byteCount: bytes.count)
            return bytes.count
        }
    }

    /// A `timestamp` (`withZone`: `timestamptz`, read in UTC) of `micros` microseconds since 2000-01-01; `infinity`
    /// and `-infinity` as text.
    @inline(__always)
    static func timestamp(micros: Int64, withZone: Bool) -> SQLValue {
        if micros == Int64.max { return .string("infinity") }
        if micros == Int64.min { return .string("-infinity") }
        let (shifted, overflow) = micros.addingReportingOverflow(PQColumnDecoder.epochOffsetMicros)
        let (nanos, overflow2) = shifted.multipliedReportingOverflow(by: 1000)
        let timestamp =
            overflow || overflow2
            ? distantTimestamp(micros: micros) : SQLTimestamp(nanosecondsSince1970: nanos)
        return withZone ? .timestampTZ(SQLTimestampTZ(local: timestamp, offsetSeconds: 0)) : .timestamp(timestamp)
    }

    /// A timestamp beyond ±292 years of 1970 (`micros` since 2000-01-01), split into days and the time of day.
    @inline(never)
    private static func distantTimestamp(micros: Int64) -> SQLTimestamp {
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 {
            days -= 1
            rest += 86_400_000_000
        }
        return SQLTimestamp(
            date: SQLDate(daysSince1970: Int(days) + PQColumnDecoder.epochOffsetDays),
            time: SQLTime(nanosecondsSinceMidnight: rest * 1000)!)
    }

    @inline(__always)
    private func expect(_ bytes: UnsafeRawBufferPointer, _ count: Int) throws {
        if bytes.count != count { throw sizeMismatch(bytes.count, expected: count) }
    }

    @inline(never)
    private func sizeMismatch(_ count: Int, expected: Int) -> DatabaseError {
        DatabaseError(kind: .typeMismatch, message: "a binary \(self) value has \(count) bytes; expected \(expected)")
    }

    /// `HH:MM:SS[.ffffff]` for microseconds since midnight (24:00:00 allowed).
    static func clockText(micros: Int64) -> String {
        let seconds = micros / 1_000_000
        let fraction = micros % 1_000_000
        var text = "\(pad2(Int(seconds / 3600))):\(pad2(Int(seconds / 60 % 60))):\(pad2(Int(seconds % 60)))"
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// PostgreSQL's `postgres` interval style: `1 year 2 mons 3 days 04:05:06.5`.
    static func intervalText(micros: Int64, days: Int, months: Int) -> String {
        var parts: [String] = []
        let years = months / 12
        let restMonths = months % 12
        if years != 0 { parts.append("\(years) year\(abs(years) == 1 ? "" : "s")") }
        if restMonths != 0 { parts.append("\(restMonths) mon\(abs(restMonths) == 1 ? "" : "s")") }
        if days != 0 { parts.append("\(days) day\(abs(days) == 1 ? "" : "s")") }
        if micros != 0 || parts.isEmpty {
            let sign = micros < 0 ? "-" : ""
            parts.append(sign + clockText(micros: micros.magnitude > Int64.max.magnitude ? Int64.max : abs(micros)))
        }
        return parts.joined(separator: " ")
    }
}

/// Zero-pads to two digits.
func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
