import DBCore
import Foundation
import Testing

@Suite("SQLTimestampTZ")
struct SQLTimestampTZTests {
    @Test func parsesOffsets() throws {
        let india = try #require(SQLTimestampTZ(iso: "2024-03-10 02:00:00+05:30"))
        #expect(india.offsetSeconds == 19_800)
        #expect(india.local.description == "2024-03-10 02:00:00")
        #expect(india.utc.description == "2024-03-09 20:30:00")
        #expect(india.description == "2024-03-10 02:00:00+05:30")

        let zulu = try #require(SQLTimestampTZ(iso: "2024-03-10T12:00:00.123456Z"))
        #expect(zulu.offsetSeconds == 0)
        #expect(zulu.description == "2024-03-10 12:00:00.123456+00:00")

        let pacific = try #require(SQLTimestampTZ(iso: "2024-12-31 20:00:00-08"))
        #expect(pacific.offsetSeconds == -28_800)
        #expect(pacific.utc.description == "2025-01-01 04:00:00")
        #expect(pacific.description == "2024-12-31 20:00:00-08:00")

        let compact = try #require(SQLTimestampTZ(iso: "2024-03-10 02:00:00+0530"))
        #expect(compact.offsetSeconds == 19_800)
        let seconds = try #require(SQLTimestampTZ(iso: "1900-01-01 00:00:00+00:19:32"))
        #expect(seconds.offsetSeconds == 1_172)
        #expect(seconds.description == "1900-01-01 00:00:00+00:19:32")
    }

    @Test func rejectsMalformed() {
        for bad in [
            "2024-03-10 02:00:00", "2024-03-10 02:00:00+", "2024-03-10 02:00:00+ab", "2024-03-10Z",
            "2024-03-10 02:00:00+05:30:00:00", "2024-03-10 02:00:00+25:00",
        ] {
            #expect(SQLTimestampTZ(iso: bad) == nil, "\(bad)")
        }
    }

    @Test func utcConversionAcrossDays() throws {
        let utc = try #require(SQLTimestamp(iso: "2000-01-01 01:00:00"))
        let tokyo = SQLTimestampTZ(utc: utc, offsetSeconds: 9 * 3600)
        #expect(tokyo.local.description == "2000-01-01 10:00:00")
        let hawaii = SQLTimestampTZ(utc: utc, offsetSeconds: -10 * 3600)
        #expect(hawaii.local.description == "1999-12-31 15:00:00")
        #expect(hawaii.utc == tokyo.utc)
        #expect(hawaii != tokyo)  // same instant, different offsets
        let leapDay = SQLTimestampTZ(utc: try #require(SQLTimestamp(iso: "2024-02-28 23:30:00")), offsetSeconds: 3600)
        #expect(leapDay.local.description == "2024-02-29 00:30:00")
    }

    @Test func foundationDates() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        let value = SQLTimestampTZ(date)
        #expect(value.offsetSeconds == 0)
        #expect(value.description == "2023-11-14 22:13:20.5+00:00")
        #expect(value.date == date)
        let shifted = try #require(SQLTimestampTZ(iso: "2023-11-15 00:13:20.5+02:00"))
        #expect(shifted.date == date)
    }
}
