import DBCore
import NIOCore

/// The date and time encodings of [MS-TDS] 2.2.5.5.1: DATE (days since 0001-01-01, 3 bytes), TIME (10^-n s
/// units, 3–5 bytes), DATETIME2 (time then date), DATETIMEOFFSET (UTC time, date, offset minutes), DATETIME
/// (days since 1900-01-01 + 1/300 s ticks) and SMALLDATETIME (days since 1900 + minutes).
enum TDSDateTimeCodec {
    /// Days from 0001-01-01 to 1970-01-01.
    static let daysFrom0001To1970 = 719_162
    /// Days from 1900-01-01 to 1970-01-01.
    static let daysFrom1900To1970 = 25_567
    static let nanosPerDay: Int64 = 86_400_000_000_000

    /// Writes a date/time value with its length byte.
    static func write(_ value: SQLValue, as type: TSQLType, into buffer: inout ByteBuffer) throws {
        switch type {
        case .date:
            guard case .date(let date) = value else { throw TDSValueError.clash(TDSValueEncoder.kind(value), type) }
            let days = try dateDays(date, type)
            buffer.writeInteger(UInt8(3))
            writeUInt(UInt64(days), length: 3, into: &buffer)
        case .time(let scale):
            guard case .time(let time) = value else { throw TDSValueError.clash(TDSValueEncoder.kind(value), type) }
            let (units, _) = timeUnits(time.nanosecondsSinceMidnight, scale: scale)
            let length = TSQLType.timeLength(scale: scale)
            buffer.writeInteger(UInt8(length))
            writeUInt(UInt64(units), length: length, into: &buffer)
        case .datetime2, .datetime, .smalldatetime:
            let stamp = try timestamp(value, type)
            try writeLocal(
                days: stamp.date.daysSince1970, nanos: stamp.time.nanosecondsSinceMidnight, as: type, into: &buffer)
        case .datetimeoffset(let scale):
            let zoned: SQLTimestampTZ
            switch value {
            case .timestampTZ(let tz): zoned = tz
            case .timestamp(let ts): zoned = SQLTimestampTZ(local: ts, offsetSeconds: 0)
            default: throw TDSValueError.clash(TDSValueEncoder.kind(value), type)
            }
            guard zoned.offsetSeconds % 60 == 0, abs(zoned.offsetSeconds) <= 14 * 3600 else {
                throw TDSValueError.outOfRange(type)
            }
            let utc = zoned.utc
            let (units, carry) = timeUnits(utc.time.nanosecondsSinceMidnight, scale: scale)
            let days = try dateDays(SQLDate(daysSince1970: utc.date.daysSince1970 + (carry ? 1 : 0)), type)
            let length = TSQLType.timeLength(scale: scale)
            buffer.writeInteger(UInt8(length + 5))
            writeUInt(UInt64(units), length: length, into: &buffer)
            writeUInt(UInt64(days), length: 3, into: &buffer)
            buffer.tdsWriteLE(Int16(zoned.offsetSeconds / 60))
        default:
            throw TDSValueError.clash(TDSValueEncoder.kind(value), type)
        }
    }

    /// DATETIME2, DATETIME or SMALLDATETIME (with its length byte) of a local date and time: `days` since
    /// 1970-01-01 and `nanos` since midnight.
    static func writeLocal(days: Int, nanos: Int64, as type: TSQLType, into buffer: inout ByteBuffer) throws {
        switch type {
        case .datetime2(let scale):
            let (units, carry) = timeUnits(nanos, scale: scale)
            let dayCount = try dateDays(SQLDate(daysSince1970: days + (carry ? 1 : 0)), type)
            let length = TSQLType.timeLength(scale: scale)
            buffer.writeInteger(UInt8(length + 3))
            writeUInt(UInt64(units), length: length, into: &buffer)
            writeUInt(UInt64(dayCount), length: 3, into: &buffer)
        case .datetime:
            // Round to the nearest 1/300 s (SQL Server shows .000, .003, .007).
            var ticks = (nanos * 3 + 5_000_000) / 10_000_000
            var days = days + daysFrom1900To1970
            if ticks >= 300 * 86_400 {
                ticks -= 300 * 86_400
                days += 1
            }
            // 1753-01-01 ... 9999-12-31
            guard days >= -53_690, days <= 2_958_463 else { throw TDSValueError.outOfRange(type) }
            buffer.writeInteger(UInt8(8))
            buffer.tdsWriteLE(Int32(days))
            buffer.tdsWriteLE(UInt32(ticks))
        case .smalldatetime:
            var minutes = (nanos + 30_000_000_000) / 60_000_000_000
            var days = days + daysFrom1900To1970
            if minutes >= 1440 {
                minutes -= 1440
                days += 1
            }
            // 1900-01-01 ... 2079-06-06
            guard days >= 0, days <= Int(UInt16.max) else { throw TDSValueError.outOfRange(type) }
            buffer.writeInteger(UInt8(4))
            buffer.tdsWriteLE(UInt16(days))
            buffer.tdsWriteLE(UInt16(minutes))
        default:
            throw TDSValueError.clash("datetime2", type)
        }
    }

    /// The time of day in 10^-scale s units, rounded half up; `carry` when it rounds up to the next midnight
    /// (the units are then 0).
    static func timeUnits(_ nanos: Int64, scale: Int) -> (units: Int64, carry: Bool) {
        var divisor: Int64 = 1
        for _ in 0..<(9 - min(max(scale, 0), 7)) { divisor *= 10 }
        let units = (nanos + divisor / 2) / divisor
        let perDay = nanosPerDay / divisor
        return units >= perDay ? (0, true) : (units, false)
    }

    static func dateDays(_ date: SQLDate, _ type: TSQLType) throws -> Int {
        let days = date.daysSince1970 + daysFrom0001To1970
        guard days >= 0, days <= 3_652_058 else { throw TDSValueError.outOfRange(type) }
        return days
    }

    private static func timestamp(_ value: SQLValue, _ type: TSQLType) throws -> SQLTimestamp {
        switch value {
        case .timestamp(let ts): return ts
        case .date(let d): return SQLTimestamp(date: d, time: SQLTime(nanosecondsSinceMidnight: 0) ?? midnight)
        default: throw TDSValueError.clash(TDSValueEncoder.kind(value), type)
        }
    }

    private static let midnight = SQLTimestamp(nanosecondsSince1970: 0).time

    static func writeUInt(_ value: UInt64, length: Int, into buffer: inout ByteBuffer) {
        for index in 0..<length { buffer.writeInteger(UInt8(truncatingIfNeeded: value >> UInt64(index * 8))) }
    }

    static func readUInt(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << UInt64(index * 8) }
        return value
    }

    // MARK: Decoding (RPC parameters)

    /// The date of a 3-byte DATE value.
    static func date(days: UInt64) throws -> SQLDate {
        guard days <= 3_652_058 else { throw TDSProtocolError("date out of range") }
        return SQLDate(daysSince1970: Int(days) - daysFrom0001To1970)
    }

    /// The time of day of a TIME value of `scale`.
    static func time(units: UInt64, scale: Int) throws -> SQLTime {
        var multiplier: UInt64 = 1
        for _ in 0..<(9 - min(max(scale, 0), 7)) { multiplier *= 10 }
        let (nanos, overflow) = units.multipliedReportingOverflow(by: multiplier)
        guard !overflow, nanos < UInt64(nanosPerDay), let time = SQLTime(nanosecondsSinceMidnight: Int64(nanos)) else {
            throw TDSProtocolError("time out of range")
        }
        return time
    }

    /// The timestamp of a DATETIME value.
    static func datetime(days: Int32, ticks: UInt32) throws -> SQLTimestamp {
        guard ticks < 300 * 86_400 else { throw TDSProtocolError("datetime ticks out of range") }
        // Ticks are 1/300 s; SQL Server shows them rounded to the millisecond.
        let millis = (Int64(ticks) * 10 + 1) / 3
        let time = try time(units: UInt64(millis), scale: 3)
        return SQLTimestamp(date: SQLDate(daysSince1970: Int(days) - daysFrom1900To1970), time: time)
    }
}
