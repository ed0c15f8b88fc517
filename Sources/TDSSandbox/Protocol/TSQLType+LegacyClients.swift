import DBCore

/// Clients below TDS 7.3 do not know DATE, TIME, DATETIME2 and DATETIMEOFFSET; SQL Server sends those to them as
/// NVARCHAR text in the types' own formats, and so does the sandbox.
extension TSQLType {
    /// The type put on the wire for a client speaking `version`.
    func wireType(for version: TDSVersion) -> TSQLType {
        guard !version.hasDateTimeTypes else { return self }
        switch self {
        case .date: return .nvarchar(10)
        case .time: return .nvarchar(16)
        case .datetime2: return .nvarchar(27)
        case .datetimeoffset: return .nvarchar(34)
        default: return self
        }
    }

    /// `value` as the wire type's value: the text form for a date/time type sent as NVARCHAR, else unchanged.
    func wireValue(_ value: SQLValue, for version: TDSVersion) -> SQLValue {
        guard !version.hasDateTimeTypes, !value.isNull else { return value }
        switch (self, value) {
        case (.date, .date(let date)):
            return .string(date.description)
        case (.time(let scale), .time(let time)):
            let (units, _) = TDSDateTimeCodec.timeUnits(time.nanosecondsSinceMidnight, scale: scale)
            return .string(Self.timeText(units: units, scale: scale))
        case (.datetime2(let scale), .timestamp(let stamp)):
            let (units, carry) = TDSDateTimeCodec.timeUnits(stamp.time.nanosecondsSinceMidnight, scale: scale)
            let date = SQLDate(daysSince1970: stamp.date.daysSince1970 + (carry ? 1 : 0))
            return .string("\(date) \(Self.timeText(units: units, scale: scale))")
        case (.datetimeoffset(let scale), .timestampTZ(let zoned)):
            let (units, carry) = TDSDateTimeCodec.timeUnits(zoned.local.time.nanosecondsSinceMidnight, scale: scale)
            let date = SQLDate(daysSince1970: zoned.local.date.daysSince1970 + (carry ? 1 : 0))
            let minutes = abs(zoned.offsetSeconds) / 60
            let sign = zoned.offsetSeconds < 0 ? "-" : "+"
            let offset = "\(sign)\(Self.padded(minutes / 60, 2)):\(Self.padded(minutes % 60, 2))"
            return .string("\(date) \(Self.timeText(units: units, scale: scale)) \(offset)")
        default:
            return value
        }
    }

    /// `hh:mm:ss[.fffffff]` of a count of 10^-scale s units since midnight.
    static func timeText(units: Int64, scale: Int) -> String {
        var perSecond: Int64 = 1
        for _ in 0..<scale { perSecond *= 10 }
        let seconds = Int(units / perSecond)
        var text = "\(padded(seconds / 3600, 2)):\(padded(seconds / 60 % 60, 2)):\(padded(seconds % 60, 2))"
        if scale > 0 { text += "." + padded(Int(units % perSecond), scale) }
        return text
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
