import DBCore

/// FreeTDS's date and time layouts.
///
/// `DBDATETIMEALL` (16 bytes, little-endian on this platform): `time` UInt64 at 0 in 100 ns units since midnight
/// (FreeTDS scales every precision to 7 digits), `date` Int32 at 8 in days since 1900-01-01 (FreeTDS subtracts
/// 693 595 from the wire's days since 0001-01-01), `offset` Int16 at 12 in minutes east of UTC, then a 16-bit field:
/// `time_prec:3`, 10 reserved bits, `has_time`, `has_date`, `has_offset`. For `DATETIMEOFFSET` the date and time are
/// UTC, as on the wire. `DBDATETIME` (8 bytes): days since 1900-01-01 (Int32), then 1/300 s since midnight (Int32).
/// `DBDATETIME4`: days since 1900-01-01 (UInt16), minutes since midnight (UInt16).
enum DBDateTimeCodec {
    /// Days from 1900-01-01 to 1970-01-01.
    static let days1900To1970 = 25_567

    /// The fields of a `DBDATETIMEALL`.
    struct DateTimeAll: Equatable {
        /// 100 ns units since midnight.
        var time: UInt64
        /// Days since 1900-01-01.
        var date: Int32
        /// Minutes east of UTC.
        var offset: Int16
        /// Fractional-second digits, 0–7.
        var timePrecision: UInt16 = 7
        var hasTime: Bool
        var hasDate: Bool
        var hasOffset: Bool

        /// Reads the 16-byte struct.
        init(raw: UnsafeRawBufferPointer) throws {
            guard raw.count >= 16 else { throw DatabaseError.typeMismatch("a date/time value of \(raw.count) bytes") }
            time = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            date = raw.loadUnaligned(fromByteOffset: 8, as: Int32.self)
            offset = raw.loadUnaligned(fromByteOffset: 12, as: Int16.self)
            let flags = raw.loadUnaligned(fromByteOffset: 14, as: UInt16.self)
            timePrecision = flags & 0x7
            hasTime = flags & (1 << 13) != 0
            hasDate = flags & (1 << 14) != 0
            hasOffset = flags & (1 << 15) != 0
        }

        /// Creates the fields.
        init(time: UInt64, date: Int32, offset: Int16, hasTime: Bool, hasDate: Bool, hasOffset: Bool) {
            self.time = time
            self.date = date
            self.offset = offset
            self.hasTime = hasTime
            self.hasDate = hasDate
            self.hasOffset = hasOffset
        }
    }

    static func sqlDate(days1900: Int) -> SQLDate { SQLDate(daysSince1970: days1900 - days1900To1970) }

    /// The 100 ns units of one day.
    static let units100nsPerDay: UInt64 = 864_000_000_000

    /// The time of day `units100ns` × 100 ns after midnight; throws beyond one day (inlined in the row views'
    /// `timestamp(at:)`; the error is made out of line).
    @inline(__always)
    static func sqlTime(units100ns: UInt64) throws -> SQLTime {
        guard units100ns < units100nsPerDay,
            let time = SQLTime(nanosecondsSinceMidnight: Int64(truncatingIfNeeded: units100ns) &* 100)
        else { throw timeBeyondOneDay(units100ns) }
        return time
    }

    @inline(never)
    private static func timeBeyondOneDay(_ units100ns: UInt64) -> DatabaseError {
        DatabaseError.typeMismatch("a time of \(units100ns) × 100 ns is not within one day")
    }

    /// Decodes a `DBDATETIMEALL` as the value of a column of `type` (`SYBMSDATE`, `SYBMSTIME`, `SYBMSDATETIME2`,
    /// `SYBMSDATETIMEOFFSET`).
    static func decode(_ raw: UnsafeRawBufferPointer, type: Int) throws -> SQLValue {
        let all = try DateTimeAll(raw: raw)
        switch type {
        case TDSTypeCode.msDate: return .date(sqlDate(days1900: Int(all.date)))
        case TDSTypeCode.msTime: return .time(try sqlTime(units100ns: all.time))
        case TDSTypeCode.msDatetimeOffset:
            let utc = SQLTimestamp(date: sqlDate(days1900: Int(all.date)), time: try sqlTime(units100ns: all.time))
            return .timestampTZ(SQLTimestampTZ(utc: utc, offsetSeconds: Int(all.offset) * 60))
        default:
            return .timestamp(try timestamp(all))
        }
    }

    /// Decodes a `DATETIME2`'s `DBDATETIMEALL`: its date and time of day, read straight from the bytes.
    @inline(__always)
    static func decodeDateTime2(_ raw: UnsafeRawBufferPointer) throws -> SQLTimestamp {
        guard raw.count >= 16 else { throw DatabaseError.typeMismatch("a date/time value of \(raw.count) bytes") }
        let time = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let date = raw.loadUnaligned(fromByteOffset: 8, as: Int32.self)
        return SQLTimestamp(date: sqlDate(days1900: Int(date)), time: try sqlTime(units100ns: time))
    }

    /// The timestamp of a `DBDATETIMEALL` (a `DATETIME2`'s date and time of day).
    @inline(__always)
    static func timestamp(_ all: DateTimeAll) throws -> SQLTimestamp {
        SQLTimestamp(date: sqlDate(days1900: Int(all.date)), time: try sqlTime(units100ns: all.time))
    }

    /// Decodes a `DBDATETIME`: 1/300 s ticks rounded to the millisecond as SQL Server shows them (.000/.003/.007).
    static func decodeDateTime(_ raw: UnsafeRawBufferPointer) throws -> SQLTimestamp {
        guard raw.count >= 8 else { throw DatabaseError.typeMismatch("a DATETIME value of \(raw.count) bytes") }
        let days = Int(raw.loadUnaligned(fromByteOffset: 0, as: Int32.self))
        let ticks = Int64(raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let milliseconds = (20 * ticks + 3) / 6
        let nanos = milliseconds * 1_000_000
        let perDay: Int64 = 86_400_000_000_000
        let time = SQLTime(nanosecondsSinceMidnight: min(nanos, perDay - 1_000_000))!
        return SQLTimestamp(date: sqlDate(days1900: days), time: time)
    }

    /// Decodes a `DBDATETIME4` (smalldatetime).
    static func decodeDateTime4(_ raw: UnsafeRawBufferPointer) throws -> SQLTimestamp {
        guard raw.count >= 4 else { throw DatabaseError.typeMismatch("a SMALLDATETIME value of \(raw.count) bytes") }
        let days = Int(raw.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
        let minutes = Int64(raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        guard let time = SQLTime(nanosecondsSinceMidnight: minutes * 60_000_000_000) else {
            throw DatabaseError.typeMismatch("a SMALLDATETIME with \(minutes) minutes")
        }
        return SQLTimestamp(date: sqlDate(days1900: days), time: time)
    }

    /// The `DBDATETIMEALL` fields for a parameter (100 ns precision; finer nanoseconds are truncated).
    static func encode(_ value: SQLValue) -> DateTimeAll? {
        func days(_ date: SQLDate) -> Int32 { Int32(clamping: date.daysSince1970 + days1900To1970) }
        func units(_ time: SQLTime) -> UInt64 { UInt64(time.nanosecondsSinceMidnight / 100) }
        switch value {
        case .date(let date):
            return DateTimeAll(time: 0, date: days(date), offset: 0, hasTime: false, hasDate: true, hasOffset: false)
        case .time(let time):
            return DateTimeAll(time: units(time), date: 0, offset: 0, hasTime: true, hasDate: false, hasOffset: false)
        case .timestamp(let stamp):
            return DateTimeAll(
                time: units(stamp.time), date: days(stamp.date), offset: 0, hasTime: true, hasDate: true,
                hasOffset: false)
        case .timestampTZ(let stamp):
            let utc = stamp.utc
            return DateTimeAll(
                time: units(utc.time), date: days(utc.date), offset: Int16(clamping: stamp.offsetSeconds / 60),
                hasTime: true, hasDate: true, hasOffset: true)
        default:
            return nil
        }
    }

    /// The 16 bytes of a `DBDATETIMEALL`.
    static func bytes(_ all: DateTimeAll) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: all.time.littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: all.date.littleEndian, toByteOffset: 8, as: Int32.self)
            raw.storeBytes(of: all.offset.littleEndian, toByteOffset: 12, as: Int16.self)
            var flags = all.timePrecision & 0x7
            if all.hasTime { flags |= 1 << 13 }
            if all.hasDate { flags |= 1 << 14 }
            if all.hasOffset { flags |= 1 << 15 }
            raw.storeBytes(of: flags.littleEndian, toByteOffset: 14, as: UInt16.self)
        }
        return bytes
    }
}
