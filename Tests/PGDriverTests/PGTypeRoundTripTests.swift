import DBCore
import Foundation
import PGDriver
import Testing

@Suite("PGDriver types")
struct PGTypeRoundTripTests {
    /// Sends `value` as a parameter cast to `type`, reads it back, and checks the type family.
    private func roundTrip(_ connection: PGConnection, _ value: SQLValue, as type: String) throws -> SQLValue {
        try connection.scalar("SELECT %s::\(type)", [value])
    }

    @Test("NULL, bool and integers")
    func scalars() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        #expect(try connection.scalar("SELECT NULL::int4") == .null)
        #expect(try roundTrip(connection, .null, as: "text") == .null)
        #expect(try roundTrip(connection, .bool(true), as: "bool") == .bool(true))
        #expect(try roundTrip(connection, .bool(false), as: "bool") == .bool(false))
        #expect(try roundTrip(connection, .int(-32768), as: "int2") == .int(-32768))
        #expect(try roundTrip(connection, .int(Int64(Int32.max)), as: "int4") == .int(Int64(Int32.max)))
        #expect(try roundTrip(connection, .int(Int64.min), as: "int8") == .int(Int64.min))
        #expect(try roundTrip(connection, .int(Int64.max), as: "int8") == .int(Int64.max))
        #expect(try connection.scalar("SELECT 7::int2 + 1::int2") == .int(8))
        // Small integers bind as int4, so functions taking integer accept them.
        #expect(try connection.scalar("SELECT repeat('ab', %s)", [3]) == .string("ababab"))
    }

    @Test("float4 and float8")
    func floats() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        #expect(try roundTrip(connection, .double(1.5), as: "float4") == .double(1.5))
        #expect(try roundTrip(connection, .double(0.1), as: "float8") == .double(0.1))
        #expect(try roundTrip(connection, .double(-1e300), as: "float8") == .double(-1e300))
        #expect(try roundTrip(connection, .double(.infinity), as: "float8") == .double(.infinity))
    }

    /// The binary numeric's digits written two at a time: every width of the first group (1 to 4 digits, and
    /// none), whole and partial fraction groups (scales 0 to 9), negatives and zeros, each compared with the
    /// server's own text for the same value.
    @Test("numeric text matches the server's for every first-group width and scale")
    func numericDigitsAgainstServerText() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let magnitudes = [
            "0", "0.000123456789", "0.987654321", "7.1", "42.0607", "305.00809", "1000.5", "9999.9999", "10000",
            "12345.678901234", "100200300.40506", "987654321098765.43210987",
        ]
        var checked = 0
        for magnitude in magnitudes {
            for sign in ["", "-"] {
                for scale in 0...9 {
                    let value = "round(\(sign)\(magnitude)::numeric, \(scale))"
                    try cursor.execute("SELECT \(value), \(value)::text")
                    let row = try #require(try cursor.fetchOne())
                    guard case .string(let text) = row[1], case .decimal(let decimal) = row[0] else {
                        Issue.record("unexpected values \(row)")
                        continue
                    }
                    // The server writes -0.00 for a negative value rounded to zero; the driver keeps no sign on zero.
                    let negativeZero = text.hasPrefix("-") && text.allSatisfy { "-0.".contains($0) }
                    let expected = negativeZero ? String(text.dropFirst()) : text
                    #expect(decimal.description == expected, "\(sign)\(magnitude) at scale \(scale)")
                    checked += 1
                }
            }
        }
        #expect(checked == magnitudes.count * 2 * 10)
    }

    @Test("numeric keeps every digit and the scale: 40 digits, 1000 digits, negative, NaN")
    func numerics() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let forty = SQLDecimal("-1234567890123456789012345678901234.567890")!
        #expect(try roundTrip(connection, .decimal(forty), as: "numeric") == .decimal(forty))
        let thousand = SQLDecimal(
            String(repeating: "9876543210", count: 60) + "." + String(repeating: "0123456789", count: 40))!
        #expect(try roundTrip(connection, .decimal(thousand), as: "numeric") == .decimal(thousand))
        #expect(try connection.scalar("SELECT 1.50::numeric(12,2)") == .decimal(SQLDecimal("1.50")!))
        #expect(try connection.scalar("SELECT 0.00001234::numeric") == .decimal(SQLDecimal("0.00001234")!))
        #expect(try connection.scalar("SELECT 100000000::numeric") == .decimal(SQLDecimal("100000000")!))
        #expect(try connection.scalar("SELECT -0.5::numeric(5,3)") == .decimal(SQLDecimal("-0.500")!))
        #expect(try connection.scalar("SELECT 0::numeric") == .decimal(SQLDecimal("0")!))
        #expect(try connection.scalar("SELECT 'NaN'::numeric") == .string("NaN"))
        // The text protocol (several statements) decodes the same value.
        let cursor = try connection.makeCursor()
        try cursor.execute("SELECT 1; SELECT \(forty)::numeric")
        #expect(try cursor.nextResultSet())
        #expect(try cursor.fetchOne()?[0] == .decimal(forty))
    }

    @Test("text: empty, emoji, CJK, 10 MB; bytea: empty, all byte values, 10 MB")
    func textAndBytes() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        for text in ["", "plain", "emoji 😀🎉👩‍👩‍👧", "中文字符 日本語 한국어", "quote ' and \" and \\ and %s"] {
            #expect(try roundTrip(connection, .string(text), as: "text") == .string(text))
            #expect(try roundTrip(connection, .string(text), as: "varchar") == .string(text))
        }
        #expect(try connection.scalar("SELECT 'ab'::char(4)") == .string("ab  "))
        let big = String(repeating: "0123456789abcdef€", count: 10 * 1024 * 1024 / 19)
        #expect(try roundTrip(connection, .string(big), as: "text") == .string(big))
        #expect(try roundTrip(connection, .bytes([]), as: "bytea") == .bytes([]))
        let allBytes = (0...255).map { UInt8($0) }
        #expect(try roundTrip(connection, .bytes(allBytes), as: "bytea") == .bytes(allBytes))
        var generator = SystemRandomNumberGenerator()
        let bigBytes = (0..<(10 * 1024 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(try roundTrip(connection, .bytes(bigBytes), as: "bytea") == .bytes(bigBytes))
    }

    @Test("date, time, timestamp and timestamptz at microsecond precision")
    func dateTimes() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let date = SQLDate(year: 2024, month: 2, day: 29)!
        #expect(try roundTrip(connection, .date(date), as: "date") == .date(date))
        let old = SQLDate(year: 1066, month: 10, day: 14)!
        #expect(try roundTrip(connection, .date(old), as: "date") == .date(old))
        let time = SQLTime(hour: 23, minute: 59, second: 58, nanosecond: 123_456_000)!
        #expect(try roundTrip(connection, .time(time), as: "time") == .time(time))
        let timestamp = SQLTimestamp(date: date, time: time)
        #expect(try roundTrip(connection, .timestamp(timestamp), as: "timestamp") == .timestamp(timestamp))
        let early = SQLTimestamp(iso: "1901-01-01 00:00:00.000001")!
        #expect(try roundTrip(connection, .timestamp(early), as: "timestamp") == .timestamp(early))
        // A timestamptz at +05:30 comes back as the same instant in UTC.
        let local = SQLTimestampTZ(iso: "2024-06-01 12:00:00.654321+05:30")!
        let back = try roundTrip(connection, .timestampTZ(local), as: "timestamptz")
        #expect(back == .timestampTZ(SQLTimestampTZ(utc: local.utc)))
        #expect(
            try connection.scalar("SELECT '2024-06-01 12:00:00.000001+02'::timestamptz")
                == .timestampTZ(SQLTimestampTZ(iso: "2024-06-01 10:00:00.000001+00:00")!))
        #expect(try connection.scalar("SELECT 'infinity'::timestamp") == .string("infinity"))
        #expect(try connection.scalar("SELECT '24:00:00'::time") == .string("24:00:00"))
        #expect(
            try connection.scalar("SELECT '1 year 2 mons 3 days 04:05:06.5'::interval")
                == .string("1 year 2 mons 3 days 04:05:06.5"))
    }

    @Test("uuid, json and jsonb")
    func uuidAndJSON() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let uuid = UUID()
        #expect(try roundTrip(connection, .uuid(uuid), as: "uuid") == .uuid(uuid))
        #expect(try connection.scalar("SELECT %s::text", [uuid]) == .string(uuid.uuidString.lowercased()))
        let document = #"{"name": "banana", "tags": ["yellow", "😀"], "n": 1.5}"#
        #expect(try roundTrip(connection, .json(document), as: "json") == .json(document))
        let jsonb = try roundTrip(connection, .json(document), as: "jsonb")
        #expect(jsonb == .json(#"{"n": 1.5, "name": "banana", "tags": ["yellow", "😀"]}"#))
        let table = TestDatabase.uniqueName("docs")
        try connection.run("CREATE TABLE \(table) (doc jsonb)")
        let cursor = try connection.makeCursor()
        try cursor.execute("INSERT INTO \(table) VALUES (%s)", [SQLValue.json(#"{"a": 1}"#)])
        #expect(try connection.scalar("SELECT doc->>'a' FROM \(table)") == .string("1"))
        try connection.run("DROP TABLE \(table)")
    }

    @Test("the text protocol (several statements) decodes every type too")
    func textProtocol() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute(
            """
            SELECT 1; SELECT true, 42::int2, 7::int4, -9000000000::int8, 1.25::float8, 12.50::numeric(6,2),
              'hi'::text, '\\x00ff'::bytea, '2024-01-02'::date, '10:11:12.5'::time,
              '2024-01-02 10:11:12.000001'::timestamp, '2024-01-02 10:11:12+03'::timestamptz,
              'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{"a":1}'::json, NULL::int4
            """)
        #expect(try cursor.nextResultSet())
        let row = try #require(try cursor.fetchOne())
        #expect(
            Array(row.values) == [
                .bool(true), .int(42), .int(7), .int(-9_000_000_000), .double(1.25), .decimal(SQLDecimal("12.50")!),
                .string("hi"), .bytes([0, 255]), .date(SQLDate(year: 2024, month: 1, day: 2)!),
                .time(SQLTime(hour: 10, minute: 11, second: 12, nanosecond: 500_000_000)!),
                .timestamp(SQLTimestamp(iso: "2024-01-02 10:11:12.000001")!),
                .timestampTZ(SQLTimestampTZ(iso: "2024-01-02 07:11:12+00:00")!),
                .uuid(UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")!), .json(#"{"a":1}"#), .null,
            ])
    }
}
