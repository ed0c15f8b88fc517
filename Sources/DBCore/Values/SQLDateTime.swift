import Foundation

/// A calendar date in the proleptic Gregorian calendar, without a time of day (`date`).
public struct SQLDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year; 1 is 1 AD, 0 is 1 BC (astronomical numbering).
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// Creates a date from its parts; returns `nil` when the day does not exist in that month.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= SQLDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates the date that is `days` days after 1970-01-01 (negative for earlier dates).
    public init(daysSince1970 days: Int) {
        // Neri and Schneider's Euclidean affine functions ("Euclidean affine functions and their application to
        // calendar algorithms", 2022) in 32-bit unsigned arithmetic: multiplications and shifts where the general
        // form divides. Exact (checked against the general form for every day of the range) from 1 March of the
        // year -32,800 to 5 June 2,907,005; outside that range, the general form.
        // Days from 0000-03-01 minus 82 eras (400 years each) to 1970-01-01: shifted by it, every day of the fast
        // range is a non-negative day number, and 4 × that number + 3 must fit in 32 bits.
        let shift = 719_468 + 146_097 * 82
        if days >= -shift, days < (1 << 30) - shift {
            let n = UInt32(truncatingIfNeeded: days &+ shift)
            let n1 = 4 &* n &+ 3
            let century = n1 / 146_097
            let dayOfCentury = n1 % 146_097 / 4
            let n2 = UInt64(4 &* dayOfCentury &+ 3) &* 2_939_745
            let yearOfCentury = UInt32(truncatingIfNeeded: n2 >> 32)
            let dayOfYear = UInt32(truncatingIfNeeded: n2) / 2_939_745 / 4
            let n3 = 2141 &* dayOfYear &+ 197_913
            let january = dayOfYear >= 306
            self.year = Int(100 &* century &+ yearOfCentury) &- 32_800 &+ (january ? 1 : 0)
            self.month = Int(january ? (n3 >> 16) &- 12 : n3 >> 16)
            self.day = Int((n3 & 0xFFFF) / 2141) &+ 1
        } else {
            (year, month, day) = SQLDate.civil(fromDays: days)
        }
    }

    /// The year, month and day `days` days after 1970-01-01, for any day (Howard Hinnant's civil_from_days).
    private static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Days from 1970-01-01 to this date (negative for earlier dates).
    public var daysSince1970: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO 8601 text, `YYYY-MM-DD`.
    public var description: String {
        let y = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        return "\(y)-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let negative = text.hasPrefix("-")
        let fields = negative ? Array(parts.dropFirst()) : Array(parts)
        guard fields.count == 3, let y = decimalDigits(fields[0]), let m = decimalDigits(fields[1]),
            let d = decimalDigits(fields[2])
        else { return nil }
        self.init(year: negative ? -y : y, month: m, day: d)
    }

    /// Chronological order.
    public static func < (lhs: SQLDate, rhs: SQLDate) -> Bool { lhs.daysSince1970 < rhs.daysSince1970 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A time of day without date or time zone (`time`), to the nanosecond.
public struct SQLTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since midnight, 0 ..< 86 400 000 000 000.
    public let nanosecondsSinceMidnight: Int64

    /// Creates a time from nanoseconds since midnight; returns `nil` outside one day.
    public init?(nanosecondsSinceMidnight: Int64) {
        guard nanosecondsSinceMidnight >= 0, nanosecondsSinceMidnight < 86_400 * 1_000_000_000 else { return nil }
        self.nanosecondsSinceMidnight = nanosecondsSinceMidnight
    }

    /// Creates a time from its parts; returns `nil` when a part is out of range.
    public init?(hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second),
            (0..<1_000_000_000).contains(nanosecond)
        else { return nil }
        self.nanosecondsSinceMidnight =
            (Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)) * 1_000_000_000 + Int64(nanosecond)
    }

    /// The hour, 0–23.
    public var hour: Int { Int(nanosecondsSinceMidnight / 3_600_000_000_000) }
    /// The minute, 0–59.
    public var minute: Int { Int(nanosecondsSinceMidnight / 60_000_000_000 % 60) }
    /// The second, 0–59.
    public var second: Int { Int(nanosecondsSinceMidnight / 1_000_000_000 % 60) }
    /// The fraction of the second in nanoseconds.
    public var nanosecond: Int { Int(nanosecondsSinceMidnight % 1_000_000_000) }

    /// `HH:MM:SS` with as many fraction digits as needed (up to 9).
    public var description: String {
        var text = "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if nanosecond != 0 {
            var fraction = pad(nanosecond, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text
    }

    /// Parses `HH:MM[:SS[.fraction]]`.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let h = decimalDigits(parts[0]), let m = decimalDigits(parts[1])
        else { return nil }
        var s = 0
        var nanos = 0
        if parts.count == 3 {
            let secondParts = parts[2].split(separator: ".", omittingEmptySubsequences: false)
            guard secondParts.count <= 2, let sec = decimalDigits(secondParts[0]) else { return nil }
            s = sec
            if secondParts.count == 2 {
                let digits = secondParts[1]
                guard digits.count <= 9, let value = decimalDigits(digits) else { return nil }
                nanos = value
                for _ in digits.count..<9 { nanos *= 10 }
            }
        }
        self.init(hour: h, minute: m, second: s, nanosecond: nanos)
    }

    /// Chronological order.
    public static func < (lhs: SQLTime, rhs: SQLTime) -> Bool {
        lhs.nanosecondsSinceMidnight < rhs.nanosecondsSinceMidnight
    }
}

/// A date and time of day without time zone (`timestamp`, `datetime2`, `datetime`), to the nanosecond.
public struct SQLTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The date.
    public let date: SQLDate
    /// The time of day.
    public let time: SQLTime

    /// Creates a timestamp from a date and a time of day.
    public init(date: SQLDate, time: SQLTime) {
        self.date = date
        self.time = time
    }

    /// Creates a timestamp from nanoseconds since 1970-01-01 00:00:00.
    public init(nanosecondsSince1970 nanos: Int64) {
        let perDay: Int64 = 86_400 * 1_000_000_000
        var days = nanos / perDay
        var rest = nanos % perDay
        if rest < 0 {
            days -= 1
            rest += perDay
        }
        self.date = SQLDate(daysSince1970: Int(days))
        self.time = SQLTime(nanosecondsSinceMidnight: rest)!
    }

    /// The instant this timestamp names when read as UTC, as Foundation's `Date` (which keeps about
    /// a microsecond of precision for present-day dates).
    public var dateAssumingUTC: Date {
        let seconds = Double(date.daysSince1970) * 86_400 + Double(time.nanosecondsSinceMidnight / 1_000_000_000)
        return Date(timeIntervalSince1970: seconds + Double(time.nanosecond) / 1e9)
    }

    /// The timestamp of a Foundation `Date` read in UTC, rounded to the microsecond.
    public init(utc date: Date) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        self.init(nanosecondsSince1970: Int64(micros) * 1000)
    }

    /// Seconds since 1970-01-01 00:00:00 as an exact count of nanoseconds; `nil` when outside ±292 years of 1970.
    public var nanosecondsSince1970: Int64? {
        let (dayNanos, overflow) = Int64(date.daysSince1970).multipliedReportingOverflow(by: 86_400_000_000_000)
        guard !overflow else { return nil }
        let (sum, overflow2) = dayNanos.addingReportingOverflow(time.nanosecondsSinceMidnight)
        return overflow2 ? nil : sum
    }

    /// ISO 8601 text, `YYYY-MM-DD HH:MM:SS[.fraction]`.
    public var description: String { "\(date) \(time)" }

    /// Parses `YYYY-MM-DD[ T]HH:MM[:SS[.fraction]]`.
    public init?(iso text: some StringProtocol) {
        guard let separator = text.firstIndex(where: { $0 == " " || $0 == "T" }),
            let date = SQLDate(iso: text[..<separator]),
            let time = SQLTime(iso: text[text.index(after: separator)...])
        else { return nil }
        self.init(date: date, time: time)
    }

    /// Chronological order.
    public static func < (lhs: SQLTimestamp, rhs: SQLTimestamp) -> Bool {
        (lhs.date, lhs.time) < (rhs.date, rhs.time)
    }
}

/// A date and time of day with its UTC offset (`timestamptz`, `datetimeoffset`).
///
/// ``local`` is the wall-clock time at ``offsetSeconds`` east of UTC; ``utc`` is the same instant in UTC.
/// PostgreSQL's `timestamptz` stores an instant and returns it in the session's zone (UTC in our drivers);
/// SQL Server's `datetimeoffset` keeps the offset it was given.
public struct SQLTimestampTZ: Sendable, Hashable, CustomStringConvertible {
    /// The wall-clock date and time at the offset.
    public let local: SQLTimestamp
    /// The offset from UTC in seconds, east positive (e.g. +05:30 is 19 800).
    public let offsetSeconds: Int

    /// Creates a value from the wall-clock time and its offset.
    public init(local: SQLTimestamp, offsetSeconds: Int) {
        self.local = local
        self.offsetSeconds = offsetSeconds
    }

    /// Creates a value from a UTC timestamp, shown at the given offset.
    public init(utc: SQLTimestamp, offsetSeconds: Int = 0) {
        let shifted = SQLTimestampTZ.shift(utc, bySeconds: offsetSeconds)
        self.init(local: shifted, offsetSeconds: offsetSeconds)
    }

    /// Creates a value from a Foundation `Date`, in UTC, rounded to the microsecond.
    public init(_ date: Date) {
        self.init(local: SQLTimestamp(utc: date), offsetSeconds: 0)
    }

    /// The same instant in UTC.
    public var utc: SQLTimestamp { SQLTimestampTZ.shift(local, bySeconds: -offsetSeconds) }

    /// The instant as Foundation's `Date`.
    public var date: Date { utc.dateAssumingUTC }

    /// ISO 8601 text, `YYYY-MM-DD HH:MM:SS[.fraction]+HH:MM`.
    public var description: String {
        let sign = offsetSeconds < 0 ? "-" : "+"
        let magnitude = abs(offsetSeconds)
        var text = "\(local)\(sign)\(pad(magnitude / 3600, 2)):\(pad(magnitude / 60 % 60, 2))"
        if magnitude % 60 != 0 { text += ":\(pad(magnitude % 60, 2))" }
        return text
    }

    /// Parses `YYYY-MM-DD[ T]HH:MM[:SS[.fraction]](Z|±HH[:MM[:SS]])`.
    public init?(iso input: some StringProtocol) {
        let text = Substring(input)
        let body: Substring
        var offset = 0
        if text.hasSuffix("Z") || text.hasSuffix("z") {
            body = text.dropLast()
        } else if let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }),
            let timeStart = text.firstIndex(where: { $0 == " " || $0 == "T" }), sign > timeStart
        {
            guard let seconds = SQLTimestampTZ.offsetSeconds(text[text.index(after: sign)...]) else { return nil }
            offset = text[sign] == "-" ? -seconds : seconds
            body = text[..<sign]
        } else {
            return nil
        }
        guard let local = SQLTimestamp(iso: body) else { return nil }
        self.init(local: local, offsetSeconds: offset)
    }

    /// Two values are equal when they name the same wall-clock time at the same offset.
    /// Use ``utc`` to compare instants.
    public static func == (lhs: SQLTimestampTZ, rhs: SQLTimestampTZ) -> Bool {
        lhs.local == rhs.local && lhs.offsetSeconds == rhs.offsetSeconds
    }

    /// The magnitude of an offset written `HH`, `HH:MM`, `HH:MM:SS`, `HHMM` or `HHMMSS` (hours below 16).
    static func offsetSeconds(_ text: Substring) -> Int? {
        var fields = text.split(separator: ":", omittingEmptySubsequences: false)
        if fields.count == 1, fields[0].count == 4 || fields[0].count == 6 {
            let compact = fields[0]
            fields = stride(from: 0, to: compact.count, by: 2).map { offset in
                let start = compact.index(compact.startIndex, offsetBy: offset)
                return compact[start..<compact.index(start, offsetBy: 2)]
            }
        }
        guard (1...3).contains(fields.count) else { return nil }
        var values: [Int] = []
        for field in fields {
            guard let value = decimalDigits(field) else { return nil }
            values.append(value)
        }
        guard values[0] < 16, values.dropFirst().allSatisfy({ $0 < 60 }) else { return nil }
        return values[0] * 3600 + (values.count > 1 ? values[1] * 60 : 0) + (values.count > 2 ? values[2] : 0)
    }

    static func shift(_ timestamp: SQLTimestamp, bySeconds seconds: Int) -> SQLTimestamp {
        let perDay: Int64 = 86_400 * 1_000_000_000
        var nanos = timestamp.time.nanosecondsSinceMidnight + Int64(seconds) * 1_000_000_000
        var days = timestamp.date.daysSince1970
        while nanos < 0 {
            nanos += perDay
            days -= 1
        }
        while nanos >= perDay {
            nanos -= perDay
            days += 1
        }
        return SQLTimestamp(date: SQLDate(daysSince1970: days), time: SQLTime(nanosecondsSinceMidnight: nanos)!)
    }
}

/// Zero-pads a non-negative number to `width` digits.
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// The value of a non-empty run of ASCII digits (no sign, no spaces), or `nil`.
func decimalDigits(_ text: some StringProtocol) -> Int? {
    guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    return Int(text)
}
