import DBCore
import Foundation
import Testing

@Suite("SQLValue and Swift types")
struct SQLValueSwiftTypeTests {
    let uuid = UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")!
    let date = SQLDate(year: 2024, month: 2, day: 29)!
    let time = SQLTime(hour: 13, minute: 14, second: 15, nanosecond: 500_000_000)!
    var timestamp: SQLTimestamp { SQLTimestamp(date: date, time: time) }
    var timestampTZ: SQLTimestampTZ { SQLTimestampTZ(local: timestamp, offsetSeconds: 3600) }

    @Test func bool() throws {
        #expect(true.sqlValue == .bool(true))
        #expect(try Bool(sqlValue: .bool(false)) == false)
        #expect(try Bool(sqlValue: .int(1)) == true)
        #expect(try Bool(sqlValue: .int(0)) == false)
        expectMismatch(["int", "Bool"]) { _ = try Bool(sqlValue: .int(2)) }
        expectMismatch(["string"]) { _ = try Bool(sqlValue: .string("true")) }
        expectMismatch(["NULL"]) { _ = try Bool(sqlValue: .null) }
        #expect(try Bool?(sqlValue: .null) == nil)
    }

    @Test func string() throws {
        #expect("x".sqlValue == .string("x"))
        let cases: [(SQLValue, String)] = [
            (.string("a"), "a"), (.json(#"{"a":1}"#), #"{"a":1}"#), (.int(-5), "-5"), (.double(1.5), "1.5"),
            (.decimal(SQLDecimal("1.50")!), "1.50"), (.bool(true), "true"), (.bool(false), "false"),
            (.date(date), "2024-02-29"), (.time(time), "13:14:15.5"), (.timestamp(timestamp), "2024-02-29 13:14:15.5"),
            (.timestampTZ(timestampTZ), "2024-02-29 13:14:15.5+01:00"), (.uuid(uuid), uuid.uuidString),
        ]
        for (value, text) in cases { #expect(try String(sqlValue: value) == text) }
        expectMismatch(["NULL", "String"]) { _ = try String(sqlValue: .null) }
        expectMismatch(["bytes"]) { _ = try String(sqlValue: .bytes([1])) }
        #expect(try String?(sqlValue: .null) == nil)
    }

    @Test func floatingPoint() throws {
        #expect(2.5.sqlValue == .double(2.5))
        #expect(Float(2.5).sqlValue == .double(2.5))
        #expect(try Double(sqlValue: .double(2.5)) == 2.5)
        #expect(try Double(sqlValue: .int(-3)) == -3)
        #expect(try Double(sqlValue: .decimal(SQLDecimal("0.125")!)) == 0.125)
        #expect(try Float(sqlValue: .double(0.5)) == 0.5)
        #expect(try Float(sqlValue: .int(4)) == 4)
        expectMismatch(["string", "Double"]) { _ = try Double(sqlValue: .string("1")) }
        expectMismatch(["NULL"]) { _ = try Float(sqlValue: .null) }
        expectMismatch(["bool"]) { _ = try Double(sqlValue: .bool(true)) }
    }

    @Test func decimals() throws {
        let exact = SQLDecimal("12345.6789")!
        #expect(exact.sqlValue == .decimal(exact))
        #expect(try SQLDecimal(sqlValue: .decimal(exact)) == exact)
        #expect(try SQLDecimal(sqlValue: .int(42)) == SQLDecimal("42"))
        expectMismatch(["double"]) { _ = try SQLDecimal(sqlValue: .double(1.5)) }
        let foundation = Decimal(string: "-0.0042")!
        #expect(foundation.sqlValue == .decimal(SQLDecimal("-0.0042")!))
        #expect(try Decimal(sqlValue: .decimal(SQLDecimal("-0.0042")!)) == foundation)
        #expect(try Decimal(sqlValue: .int(7)) == Decimal(7))
        expectMismatch(["more digits than Decimal holds", "SQLDecimal"]) {
            _ = try Decimal(sqlValue: .decimal(SQLDecimal("1.2345678901234567890123456789012345678901")!))
        }
        expectMismatch(["NULL"]) { _ = try Decimal(sqlValue: .null) }
    }

    @Test func uuids() throws {
        #expect(uuid.sqlValue == .uuid(uuid))
        #expect(try UUID(sqlValue: .uuid(uuid)) == uuid)
        #expect(try UUID(sqlValue: .string(uuid.uuidString.lowercased())) == uuid)
        expectMismatch(["not a UUID"]) { _ = try UUID(sqlValue: .string("nope")) }
        expectMismatch(["bytes"]) { _ = try UUID(sqlValue: .bytes([])) }
    }

    @Test func bytes() throws {
        let data = Data([0, 1, 255])
        #expect(data.sqlValue == .bytes([0, 1, 255]))
        #expect(try Data(sqlValue: .bytes([0, 1, 255])) == data)
        #expect([UInt8]([9, 8]).sqlValue == .bytes([9, 8]))
        #expect(try [UInt8](sqlValue: .bytes([9, 8])) == [9, 8])
        expectMismatch(["string"]) { _ = try Data(sqlValue: .string("x")) }
        expectMismatch(["NULL"]) { _ = try [UInt8](sqlValue: .null) }
        #expect(try Data?(sqlValue: .null) == nil)
    }

    @Test func foundationDates() throws {
        let instant = Date(timeIntervalSince1970: 1_709_212_455.5)
        #expect(instant.sqlValue == .timestampTZ(SQLTimestampTZ(instant)))
        #expect(try Date(sqlValue: instant.sqlValue) == instant)
        #expect(try Date(sqlValue: .timestampTZ(timestampTZ)) == Date(timeIntervalSince1970: 1_709_208_855.5))
        #expect(try Date(sqlValue: .timestamp(timestamp)) == Date(timeIntervalSince1970: 1_709_212_455.5))
        #expect(try Date(sqlValue: .date(date)) == Date(timeIntervalSince1970: 1_709_164_800))
        expectMismatch(["time", "Date"]) { _ = try Date(sqlValue: .time(time)) }
        expectMismatch(["NULL"]) { _ = try Date(sqlValue: .null) }
    }

    @Test func sqlDateTimeTypes() throws {
        #expect(date.sqlValue == .date(date))
        #expect(time.sqlValue == .time(time))
        #expect(timestamp.sqlValue == .timestamp(timestamp))
        #expect(timestampTZ.sqlValue == .timestampTZ(timestampTZ))
        #expect(try SQLDate(sqlValue: .date(date)) == date)
        #expect(try SQLTime(sqlValue: .time(time)) == time)
        #expect(try SQLTimestamp(sqlValue: .timestamp(timestamp)) == timestamp)
        #expect(try SQLTimestampTZ(sqlValue: .timestampTZ(timestampTZ)) == timestampTZ)
        expectMismatch(["timestamp", "SQLDate"]) { _ = try SQLDate(sqlValue: .timestamp(timestamp)) }
        expectMismatch(["NULL", "SQLTime"]) { _ = try SQLTime(sqlValue: .null) }
        expectMismatch(["date", "SQLTimestamp"]) { _ = try SQLTimestamp(sqlValue: .date(date)) }
        expectMismatch(["timestamp", "SQLTimestampTZ"]) { _ = try SQLTimestampTZ(sqlValue: .timestamp(timestamp)) }
        #expect(try SQLDate?(sqlValue: .null) == nil)
    }

    @Test func sqlValueAndOptionals() throws {
        let value = SQLValue.json("[]")
        #expect(value.sqlValue == value)
        #expect(SQLValue(sqlValue: .null) == .null)
        #expect(SQLValue.null.isNull)
        #expect(!SQLValue.int(0).isNull)
        let some: Int? = 5
        #expect(some.sqlValue == .int(5))
        let none: String? = nil
        #expect(none.sqlValue == .null)
        // A non-NULL value of the wrong type still fails through an optional.
        expectMismatch(["string", "Int"]) { _ = try Int?(sqlValue: .string("5")) }
    }
}
