import DBCore
import NIOCore
import PGDriver

/// Stores into memory a ByteBuffer lent for one row (`writeWithUnsafeMutableBytes`): one capacity check per row
/// instead of one per integer written. The caller reserves ``TDSFieldEncoder/rawBound(_:_:as:)`` bytes per field.
struct TDSRawWriter {
    let base: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    var offset = 0

    @inline(__always) mutating func byte(_ value: UInt8) {
        base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inline(__always) mutating func little<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }

    /// The low `count` bytes of `value`, little-endian.
    @inline(__always) mutating func little(_ value: UInt64, count: Int) {
        for index in 0..<count { byte(UInt8(truncatingIfNeeded: value >> (index * 8))) }
    }

    mutating func bytes(_ values: [UInt8]) {
        values.withUnsafeBytes { source in
            guard let address = source.baseAddress else { return }
            (base.baseAddress! + offset).copyMemory(from: address, byteCount: source.count)
        }
        offset += values.count
    }

    mutating func repeating(_ value: UInt8, count: Int) {
        for _ in 0..<count { byte(value) }
    }

    /// ASCII bytes as UTF-16LE code units, then spaces up to `units` code units.
    mutating func widened(_ text: [UInt8], padTo units: Int) {
        for value in text {
            byte(value)
            byte(0)
        }
        for _ in text.count..<max(units, text.count) {
            byte(0x20)
            byte(0)
        }
    }
}

/// The field encodings of ``TDSFieldEncoder`` that store through a ``TDSRawWriter``: the same bytes and errors.
extension TDSFieldEncoder {
    /// How many bytes the raw encoding of field `index` as `type` may take, or `nil` when it has none (the field
    /// then goes through ``write(_:_:as:scratch:into:)``).
    static func rawBound(_ row: PGRowView, _ index: Int, as type: TSQLType) -> Int? {
        switch (row.kind(index), type) {
        case (.integer, .tinyint), (.integer, .smallint), (.integer, .int), (.integer, .bigint), (.integer, .bit),
            (.bool, .tinyint), (.bool, .smallint), (.bool, .int), (.bool, .bigint), (.bool, .bit),
            (.float, .real), (.float, .float), (.uuid, .uniqueidentifier), (.numeric, .decimal), (.date, .date),
            (.time, .time), (.timestamp, .datetime2):
            return 24
        case (.text, .char(let n)), (.text, .nchar(let n)), (.bytes, .binary(let n)):
            return max(row.byteCount(index), n) * 2 + 16
        case (.text, .varchar), (.text, .nvarchar), (.bytes, .varbinary):
            return row.byteCount(index) * 2 + 16
        default:
            return nil
        }
    }

    /// Writes non-NULL field `index` as `type` and returns `true`, or returns `false` (writing nothing) when it
    /// needs another path (non-ASCII text, a value out of the fast range).
    static func writeRaw(
        _ row: PGRowView, _ index: Int, as type: TSQLType, scratch: inout [UInt8], into out: inout TDSRawWriter
    ) throws -> Bool {
        switch row.kind(index) {
        case .integer, .bool:
            guard let value = row.integer(index) else { return false }
            switch type {
            case .tinyint:
                guard (0...255).contains(value) else { throw TDSValueError.overflow(type) }
                out.byte(1)
                out.byte(UInt8(value))
            case .smallint:
                guard let small = Int16(exactly: value) else { throw TDSValueError.overflow(type) }
                out.byte(2)
                out.little(small)
            case .int:
                guard let int = Int32(exactly: value) else { throw TDSValueError.overflow(type) }
                out.byte(4)
                out.little(int)
            case .bigint:
                out.byte(8)
                out.little(value)
            case .bit:
                out.byte(1)
                out.byte(value != 0 ? 1 : 0)
            default:
                return false
            }
        case .float:
            guard let value = row.double(index) else { return false }
            guard value.isFinite else { throw TDSValueError.overflow(type) }
            if type == .real {
                let single = Float(value)
                guard single.isFinite else { throw TDSValueError.overflow(type) }
                out.byte(4)
                out.little(single.bitPattern)
            } else {
                out.byte(8)
                out.little(value.bitPattern)
            }
        case .text:
            try type.validate()
            row.copyBytes(index, into: &scratch)
            guard isASCII(scratch) else { return false }
            switch type {
            case .char(let n), .varchar(.some(let n)):
                guard scratch.count <= n else { throw TDSValueError.truncation(type) }
                let length = type == .char(n) ? n : scratch.count
                out.little(UInt16(length))
                out.bytes(scratch)
                out.repeating(0x20, count: length - scratch.count)
            case .varchar(nil):
                out.plpHeader(byteCount: scratch.count)
                out.bytes(scratch)
                out.little(UInt32(0))
            case .nchar(let n), .nvarchar(.some(let n)):
                guard scratch.count <= n else { throw TDSValueError.truncation(type) }
                let units = type == .nchar(n) ? n : scratch.count
                out.little(UInt16(units * 2))
                out.widened(scratch, padTo: units)
            case .nvarchar(nil):
                out.plpHeader(byteCount: scratch.count * 2)
                out.widened(scratch, padTo: scratch.count)
                out.little(UInt32(0))
            default:
                return false
            }
        case .bytes:
            try type.validate()
            row.copyBytes(index, into: &scratch)
            switch type {
            case .binary(let n), .varbinary(.some(let n)):
                let length = type == .binary(n) ? max(scratch.count, n) : scratch.count
                guard length <= n else { throw TDSValueError.truncation(type) }
                out.little(UInt16(length))
                out.bytes(scratch)
                out.repeating(0, count: length - scratch.count)
            case .varbinary(nil):
                out.plpHeader(byteCount: scratch.count)
                out.bytes(scratch)
                out.little(UInt32(0))
            default:
                return false
            }
        case .uuid:
            row.copyBytes(index, into: &scratch)
            guard scratch.count == 16 else { return false }
            out.byte(16)
            for position in [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] { out.byte(scratch[position]) }
        case .numeric:
            guard case .decimal(let precision, let scale) = type else { return false }
            try type.validate()
            guard let (negative, magnitude) = row.scaledNumeric(index, scale: scale) else { return false }
            guard decimalDigits(magnitude) <= precision else { throw TDSValueError.overflow(type) }
            let length = TSQLType.decimalLength(precision: precision)
            out.byte(UInt8(length))
            out.byte(negative ? 0 : 1)
            out.little(magnitude, count: min(length - 1, 8))
            out.repeating(0, count: max(length - 1 - 8, 0))
        case .date:
            guard type == .date, let raw = row.integer(index), raw != Int64(Int32.max), raw != Int64(Int32.min)
            else { return false }
            let count = try TDSDateTimeCodec.dateDays(SQLDate(daysSince1970: Int(raw) + postgresEpochDays), type)
            out.byte(3)
            out.little(UInt64(count), count: 3)
        case .time:
            guard case .time(let scale) = type, let micros = row.integer(index), micros >= 0, micros < microsPerDay
            else { return false }
            try type.validate()
            let (units, _) = TDSDateTimeCodec.timeUnits(micros * 1000, scale: scale)
            let length = TSQLType.timeLength(scale: scale)
            out.byte(UInt8(length))
            out.little(UInt64(units), count: length)
        case .timestamp:
            guard case .datetime2(let scale) = type, let raw = row.integer(index), raw != Int64.max, raw != Int64.min
            else { return false }
            let (micros, overflow) = raw.addingReportingOverflow(postgresEpochMicros)
            guard !overflow, !micros.multipliedReportingOverflow(by: 1000).overflow else { return false }
            try type.validate()
            var days = micros / microsPerDay
            var rest = micros % microsPerDay
            if rest < 0 {
                days -= 1
                rest += microsPerDay
            }
            let (units, carry) = TDSDateTimeCodec.timeUnits(rest * 1000, scale: scale)
            let count = try TDSDateTimeCodec.dateDays(SQLDate(daysSince1970: Int(days) + (carry ? 1 : 0)), type)
            let length = TSQLType.timeLength(scale: scale)
            out.byte(UInt8(length + 3))
            out.little(UInt64(units), count: length)
            out.little(UInt64(count), count: 3)
        case .other:
            return false
        }
        return true
    }

    /// The number of decimal digits of `value` ("0" has one).
    static func decimalDigits(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }
}
