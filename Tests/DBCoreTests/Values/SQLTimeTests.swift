import DBCore
import Foundation
import Testing

@Suite("SQLTime and SQLTimestamp")
struct SQLTimeTests {
    @Test func timeParts() throws {
        let time = try #require(SQLTime(hour: 23, minute: 59, second: 59, nanosecond: 999_999_999))
        #expect(time.nanosecondsSinceMidnight == 86_399_999_999_999)
        #expect((time.hour, time.minute, time.second, time.nanosecond) == (23, 59, 59, 999_999_999))
        #expect(time.description == "23:59:59.999999999")
        #expect(SQLTime(hour: 24, minute: 0, second: 0) == nil)
        #expect(SQLTime(hour: 0, minute: 60, second: 0) == nil)
        #expect(SQLTime(hour: 0, minute: 0, second: 60) == nil)
        #expect(SQLTime(hour: 0, minute: 0, second: 0, nanosecond: 1_000_000_000) == nil)
        #expect(SQLTime(nanosecondsSinceMidnight: -1) == nil)
        #expect(SQLTime(nanosecondsSinceMidnight: 86_400_000_000_000) == nil)
    }

    @Test func timeText() throws {
        #expect(try #require(SQLTime(iso: "12:34")).description == "12:34:00")
        #expect(try #require(SQLTime(iso: "12:34:56.789")).nanosecond == 789_000_000)
        #expect(try #require(SQLTime(iso: "12:34:56.789")).description == "12:34:56.789")
        #expect(try #require(SQLTime(iso: "00:00:00.0000001")).nanosecond == 100)
        #expect(try #require(SQLTime(iso: "00:00:00.000000")).description == "00:00:00")
        for bad in [
            "24:00", "12", "12:34:56.", "12:34:56.1234567890", "12:34:56.+5", "12:3a", "1:2:3:4", "12:34:56.-1",
        ] {
            #expect(SQLTime(iso: bad) == nil, "\(bad)")
        }
    }

    @Test func timestampFromNanoseconds() throws {
        let before = SQLTimestamp(nanosecondsSince1970: -1)
        #expect(before.description == "1969-12-31 23:59:59.999999999")
        #expect(before.nanosecondsSince1970 == -1)
        let later = SQLTimestamp(nanosecondsSince1970: 1_700_000_000_123_456_789)
        #expect(later.description == "2023-11-14 22:13:20.123456789")
        #expect(later.nanosecondsSince1970 == 1_700_000_000_123_456_789)
        let exactDay = SQLTimestamp(nanosecondsSince1970: -86_400_000_000_000)
        #expect(exactDay.description == "1969-12-31 00:00:00")
    }

    @Test func timestampOutsideInt64Nanoseconds() throws {
        let date = try #require(SQLDate(year: 1, month: 1, day: 1))
        let time = try #require(SQLTime(hour: 0, minute: 0, second: 0))
        #expect(SQLTimestamp(date: date, time: time).nanosecondsSince1970 == nil)
        let last = try #require(SQLTimestamp(iso: "9999-12-31 23:59:59.9999999"))
        #expect(last.nanosecondsSince1970 == nil)
        #expect(last.description == "9999-12-31 23:59:59.9999999")
    }

    @Test func timestampText() throws {
        let spaced = try #require(SQLTimestamp(iso: "2024-02-29 13:14:15.5"))
        let tee = try #require(SQLTimestamp(iso: "2024-02-29T13:14:15.500"))
        #expect(spaced == tee)
        #expect(spaced.description == "2024-02-29 13:14:15.5")
        #expect(SQLTimestamp(iso: "2024-02-30 00:00") == nil)
        #expect(SQLTimestamp(iso: "2024-02-29") == nil)
        #expect(SQLTimestamp(iso: "2024-02-29 25:00") == nil)
    }

    @Test func timestampAndFoundationDate() throws {
        let timestamp = try #require(SQLTimestamp(iso: "2001-01-01 00:00:01.25"))
        #expect(timestamp.dateAssumingUTC.timeIntervalSinceReferenceDate == 1.25)
        let rounded = SQLTimestamp(utc: timestamp.dateAssumingUTC)
        #expect(rounded == timestamp)
        let old = try #require(SQLTimestamp(iso: "1900-06-01 12:00:00"))
        #expect(SQLTimestamp(utc: old.dateAssumingUTC) == old)
    }

    @Test func timestampOrdering() throws {
        let texts = [
            "0001-01-01 00:00", "1969-12-31 23:59:59.999", "1970-01-01 00:00", "1970-01-01 00:00:00.000001",
            "2024-01-01 00:00",
        ]
        let values = try texts.map { try #require(SQLTimestamp(iso: $0)) }
        #expect(values.reversed().sorted() == values)
    }
}
