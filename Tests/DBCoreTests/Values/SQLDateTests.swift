import DBCore
import Testing

@Suite("SQLDate")
struct SQLDateTests {
    @Test func knownDays() throws {
        let anchors: [(Int, Int, Int, Int)] = [
            (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 3, 1, 11_017), (2000, 2, 29, 11_016), (1, 1, 1, -719_162),
            (9999, 12, 31, 2_932_896), (1582, 10, 15, -141_427), (2024, 2, 29, 19_782), (0, 12, 31, -719_163),
        ]
        for (year, month, day, days) in anchors {
            let date = try #require(SQLDate(year: year, month: month, day: day))
            #expect(date.daysSince1970 == days, "\(date)")
            #expect(SQLDate(daysSince1970: days) == date)
        }
    }

    /// Walks every day from 0001-01-01 to 9999-12-31 with an independent calendar and checks both conversions.
    @Test func everyDayFromYear1To9999() {
        var (year, month, day) = (1, 1, 1)
        var mismatches = 0
        for days in -719_162...2_932_896 {
            let date = SQLDate(daysSince1970: days)
            if date.year != year || date.month != month || date.day != day || date.daysSince1970 != days {
                mismatches += 1
            }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            day += 1
            if day > length {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
        #expect(mismatches == 0)
        #expect((year, month, day) == (10_000, 1, 1))
    }

    /// Around the ends of the 32-bit fast conversion's range (1 March -32,800 to 5 June 2,907,005) and far beyond:
    /// consecutive days give consecutive dates, each converting back to its day number.
    @Test func fastRangeEnds() throws {
        let first = try #require(SQLDate(year: -32_800, month: 3, day: 1))
        let last = try #require(SQLDate(year: 2_907_005, month: 6, day: 5))
        #expect(SQLDate(daysSince1970: first.daysSince1970) == first)
        #expect(SQLDate(daysSince1970: last.daysSince1970) == last)
        #expect(SQLDate(daysSince1970: first.daysSince1970 - 1) == SQLDate(year: -32_800, month: 2, day: 29))
        #expect(SQLDate(daysSince1970: last.daysSince1970 + 1) == SQLDate(year: 2_907_005, month: 6, day: 6))
        for anchor in [first.daysSince1970, last.daysSince1970 + 1, -400_000_000, 900_000_000, 2_000_000_000] {
            for days in anchor - 800...anchor + 800 {
                let date = SQLDate(daysSince1970: days)
                #expect(date.daysSince1970 == days, "\(date)")
                #expect(SQLDate(year: date.year, month: date.month, day: date.day) == date)
            }
        }
    }

    @Test func invalidDates() {
        #expect(SQLDate(year: 2023, month: 2, day: 29) == nil)
        #expect(SQLDate(year: 1900, month: 2, day: 29) == nil)
        #expect(SQLDate(year: 1600, month: 2, day: 29) != nil)
        #expect(SQLDate(year: 2024, month: 4, day: 31) == nil)
        #expect(SQLDate(year: 2024, month: 13, day: 1) == nil)
        #expect(SQLDate(year: 2024, month: 0, day: 1) == nil)
        #expect(SQLDate(year: 2024, month: 1, day: 0) == nil)
    }

    @Test func isoTextRoundTrips() throws {
        for text in ["2024-02-29", "0001-01-01", "9999-12-31", "1970-01-01", "0000-06-15", "-0044-03-15"] {
            let date = try #require(SQLDate(iso: text))
            #expect(date.description == text)
        }
        #expect(try #require(SQLDate(iso: "-0044-03-15")).year == -44)
        #expect(try #require(SQLDate(iso: "12345-01-02")).year == 12_345)
        for bad in ["2024-02-30", "2024-1", "2024/01/01", "", "abcd-01-01", "2024-01-01-01", "2024--01"] {
            #expect(SQLDate(iso: bad) == nil, "\(bad)")
        }
    }

    @Test func ordering() throws {
        let a = try #require(SQLDate(year: 1, month: 1, day: 1))
        let b = try #require(SQLDate(year: 1969, month: 12, day: 31))
        let c = try #require(SQLDate(year: 1970, month: 1, day: 1))
        let d = try #require(SQLDate(year: 9999, month: 12, day: 31))
        #expect([d, b, a, c].sorted() == [a, b, c, d])
    }
}
