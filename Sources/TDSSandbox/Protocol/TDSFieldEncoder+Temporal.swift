import DBCore
import NIOCore
import PGDriver

/// The `date` and `timestamp` fields of ``TDSFieldEncoder`` without a raw encoding (as `datetime`,
/// `smalldatetime`, and a `date` as `datetime2`): the same arithmetic as
/// ``TDSValueEncoder`` and ``TDSDateTimeCodec`` on the values PGDriver would decode, from the fields' counts.
extension TDSFieldEncoder {
    /// Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
    static let postgresEpochMicros: Int64 = 946_684_800_000_000
    /// Days between 1970-01-01 and 2000-01-01.
    static let postgresEpochDays = 10_957
    static let microsPerDay: Int64 = 86_400_000_000

    /// A `date` as `datetime2`, `datetime` or `smalldatetime` (midnight); as `date` it has a raw encoding.
    static func writeDate(
        _ row: PGRowView, _ index: Int, as type: TSQLType, into buffer: inout ByteBuffer
    ) throws
        -> Bool
    {
        guard let raw = row.integer(index), raw != Int64(Int32.max), raw != Int64(Int32.min) else { return false }
        let days = Int(raw) + postgresEpochDays
        switch type {
        case .datetime2, .datetime, .smalldatetime:
            try type.validate()
            try TDSDateTimeCodec.writeLocal(days: days, nanos: 0, as: type, into: &buffer)
        default:
            return false
        }
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
