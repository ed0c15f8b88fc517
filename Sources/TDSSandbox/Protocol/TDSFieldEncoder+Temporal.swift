import DBCore
import NIOCore
import PGDriver

/// The `numeric`, `date`, `time` and `timestamp` fields of ``TDSFieldEncoder``: the same arithmetic as
/// ``TDSValueEncoder`` and ``TDSDateTimeCodec`` on the values PGDriver would decode, from the fields' counts.
extension TDSFieldEncoder {
    /// Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
    static let postgresEpochMicros: Int64 = 946_684_800_000_000
    /// Days between 1970-01-01 and 2000-01-01.
    static let postgresEpochDays = 10_957
    static let microsPerDay: Int64 = 86_400_000_000

    /// A `numeric` as `decimal(p,s)`: rounded half away from zero to `s` digits, at most `p` digits.
    static func writeNumeric(
        _ row: PGRowView, _ index: Int, as type: TSQLType, into buffer: inout ByteBuffer
    ) throws
        -> Bool
    {
        guard case .decimal(let precision, let scale) = type else { return false }
        try type.validate()
        guard let (negative, magnitude) = row.scaledNumeric(index, scale: scale) else { return false }
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        guard digits <= precision else { throw TDSValueError.overflow(type) }
        let length = TSQLType.decimalLength(precision: precision)
        buffer.writeInteger(UInt8(length))
        buffer.writeInteger(UInt8(negative ? 0 : 1))
        // 4, 8, 12 or 16 magnitude bytes; `digits <= precision` makes the value fit them.
        for index in 0..<min(length - 1, 8) { buffer.writeInteger(UInt8(truncatingIfNeeded: magnitude >> (index * 8))) }
        if length - 1 > 8 { buffer.writeRepeatingByte(0, count: length - 1 - 8) }
        return true
    }

    /// A `date` as `date`, `datetime2`, `datetime` or `smalldatetime` (midnight).
    static func writeDate(
        _ row: PGRowView, _ index: Int, as type: TSQLType, into buffer: inout ByteBuffer
    ) throws
        -> Bool
    {
        guard let raw = row.integer(index), raw != Int64(Int32.max), raw != Int64(Int32.min) else { return false }
        let days = Int(raw) + postgresEpochDays
        switch type {
        case .date:
            let count = try TDSDateTimeCodec.dateDays(SQLDate(daysSince1970: days), type)
            buffer.writeInteger(UInt8(3))
            TDSDateTimeCodec.writeUInt(UInt64(count), length: 3, into: &buffer)
        case .datetime2, .datetime, .smalldatetime:
            try type.validate()
            try TDSDateTimeCodec.writeLocal(days: days, nanos: 0, as: type, into: &buffer)
        default:
            return false
        }
        return true
    }

    /// A `time` (before 24:00:00) as `time(n)`.
    static func writeTime(
        _ row: PGRowView, _ index: Int, as type: TSQLType, into buffer: inout ByteBuffer
    ) throws
        -> Bool
    {
        guard case .time(let scale) = type, let micros = row.integer(index), micros >= 0, micros < microsPerDay else {
            return false
        }
        try type.validate()
        let (units, _) = TDSDateTimeCodec.timeUnits(micros * 1000, scale: scale)
        let length = TSQLType.timeLength(scale: scale)
        buffer.writeInteger(UInt8(length))
        TDSDateTimeCodec.writeUInt(UInt64(units), length: length, into: &buffer)
        return true
    }

    /// A `timestamp` (finite, within ±292 years of 1970) as `datetime2`, `datetime` or `smalldatetime`.
    static func writeTimestamp(
        _ row: PGRowView, _ index: Int, as type: TSQLType, into buffer: inout ByteBuffer
    ) throws
        -> Bool
    {
        switch type {
        case .datetime2, .datetime, .smalldatetime: break
        default: return false
        }
        guard let raw = row.integer(index), raw != Int64.max, raw != Int64.min else { return false }
        let (micros, overflow) = raw.addingReportingOverflow(postgresEpochMicros)
        guard !overflow, !micros.multipliedReportingOverflow(by: 1000).overflow else { return false }
        var days = micros / microsPerDay
        var rest = micros % microsPerDay
        if rest < 0 {
            days -= 1
            rest += microsPerDay
        }
        try type.validate()
        try TDSDateTimeCodec.writeLocal(days: Int(days), nanos: rest * 1000, as: type, into: &buffer)
        return true
    }
}
