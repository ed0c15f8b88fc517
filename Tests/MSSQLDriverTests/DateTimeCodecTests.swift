import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

@Suite("DB-Library date and time codecs")
struct DateTimeCodecTests {
    private func decode(_ type: Int, _ bytes: [UInt8]) throws -> SQLValue {
        try bytes.withUnsafeBytes { try MSSQLValueDecoder.decode(type: type, raw: $0) }
    }

    @Test("the DBDATETIMEALL byte layout matches the C struct's bit-fields")
    func layoutMatchesC() {
        let all = DBDateTimeCodec.DateTimeAll(
            time: 863_999_999_999, date: -693_595, offset: -840, hasTime: true, hasDate: true, hasOffset: true)
        let c = DBLibConversions.dateTimeAllBytes(
            time: 863_999_999_999, date: -693_595, offset: -840, precision: 7, hasTime: true, hasDate: true,
            hasOffset: true)
        #expect(DBDateTimeCodec.bytes(all) == c)
        let dateOnly = DBDateTimeCodec.DateTimeAll(
            time: 0, date: 45_000, offset: 0, hasTime: false, hasDate: true, hasOffset: false)
        #expect(
            DBDateTimeCodec.bytes(dateOnly)
                == DBLibConversions.dateTimeAllBytes(
                    time: 0, date: 45_000, offset: 0, precision: 7, hasTime: false, hasDate: true, hasOffset: false))
    }

    @Test("DATETIME2 keeps 100 ns; DATE counts days from 1900; TIME is 100 ns since midnight")
    func datetime2() throws {
        // 2024-02-29 13:45:30.1234567 = days since 1900: 45349; time units 495301234567.
        let stamp = try #require(SQLTimestamp(iso: "2024-02-29 13:45:30.1234567"))
        let all = try #require(DBDateTimeCodec.encode(.timestamp(stamp)))
        #expect(all.date == 45_349)
        #expect(all.time == 495_301_234_567)
        let bytes = DBDateTimeCodec.bytes(all)
        #expect(try decode(TDSTypeCode.msDatetime2, bytes) == .timestamp(stamp))
        #expect(try decode(TDSTypeCode.msDate, bytes) == .date(stamp.date))
        #expect(try decode(TDSTypeCode.msTime, bytes) == .time(stamp.time))
        let first = try #require(SQLDate(year: 1, month: 1, day: 1))
        let firstAll = try #require(DBDateTimeCodec.encode(.date(first)))
        #expect(firstAll.date == -693_595)
        #expect(try decode(TDSTypeCode.msDate, DBDateTimeCodec.bytes(firstAll)) == .date(first))
    }

    @Test("DATETIMEOFFSET carries UTC date and time plus the offset in minutes")
    func datetimeOffset() throws {
        let value = try #require(SQLTimestampTZ(iso: "2024-01-01 01:30:00.5+05:30"))
        let all = try #require(DBDateTimeCodec.encode(.timestampTZ(value)))
        #expect(all.offset == 330)
        #expect(all.hasOffset)
        // 2024-01-01 01:30 at +05:30 is 2023-12-31 20:00 UTC.
        #expect(all.date == 45_289)
        #expect(all.time == 72_000 * 10_000_000 + 5_000_000)
        let decoded = try decode(TDSTypeCode.msDatetimeOffset, DBDateTimeCodec.bytes(all))
        #expect(decoded == .timestampTZ(value))
    }

    @Test(
        "DATETIME ticks round to .000/.003/.007 as SQL Server shows them",
        arguments: [
            (UInt32(0), "00:00:00"), (1, "00:00:00.003"), (2, "00:00:00.007"), (299, "00:00:00.997"),
            (25_919_999, "23:59:59.997"),
        ] as [(UInt32, String)])
    func datetimeTicks(ticks: UInt32, expected: String) throws {
        let bytes =
            withUnsafeBytes(of: Int32(45_349).littleEndian) { Array($0) }
            + withUnsafeBytes(of: ticks.littleEndian) { Array($0) }
        #expect(try decode(TDSTypeCode.datetime, bytes) == .timestamp(SQLTimestamp(iso: "2024-02-29 " + expected)!))
    }

    @Test("SMALLDATETIME is days and minutes since 1900-01-01")
    func smallDatetime() throws {
        let bytes =
            withUnsafeBytes(of: UInt16(1).littleEndian) { Array($0) }
            + withUnsafeBytes(of: UInt16(61).littleEndian) { Array($0) }
        #expect(try decode(TDSTypeCode.datetime4, bytes) == .timestamp(SQLTimestamp(iso: "1900-01-02 01:01")!))
    }

    @Test("a time of day at or past midnight, huge ones included, is a type mismatch, not a trap")
    func timeBeyondOneDay() throws {
        let lastUnit = DBDateTimeCodec.units100nsPerDay - 1
        #expect(try DBDateTimeCodec.sqlTime(units100ns: lastUnit).nanosecondsSinceMidnight == Int64(lastUnit) * 100)
        #expect(try DBDateTimeCodec.sqlTime(units100ns: 0).nanosecondsSinceMidnight == 0)
        for units in [DBDateTimeCodec.units100nsPerDay, UInt64(Int64.max) / 50, UInt64.max] {
            #expect(throws: DatabaseError.self) { try DBDateTimeCodec.sqlTime(units100ns: units) }
        }
    }
}
