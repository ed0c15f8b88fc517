import DBCore
import Foundation
import TDSSandbox
import Testing

@Suite("Engine: the type matrix")
struct EngineTypeTests {
    /// Each type with a column definition, literals to insert (the extremes) and the values expected back.
    private static let matrix: [(type: TSQLType, literals: [String], expected: [SQLValue])] = [
        (.tinyint, ["0", "255"], [.int(0), .int(255)]),
        (.smallint, ["-32768", "32767"], [.int(-32768), .int(32767)]),
        (.int, ["-2147483648", "2147483647"], [.int(-2_147_483_648), .int(2_147_483_647)]),
        (.bigint, ["-9223372036854775808", "9223372036854775807"], [.int(.min), .int(.max)]),
        (.bit, ["CAST(0 AS bit)", "CAST(1 AS bit)"], [.bool(false), .bool(true)]),
        (
            .decimal(precision: 38, scale: 4), ["-9999999999999999999999999999999999.9999", "0.0001"],
            [.decimal(SQLDecimal("-9999999999999999999999999999999999.9999")!), .decimal(SQLDecimal("0.0001")!)]
        ),
        (
            .money, ["-922337203685477.5808", "922337203685477.5807"],
            [.decimal(SQLDecimal("-922337203685477.5808")!), .decimal(SQLDecimal("922337203685477.5807")!)]
        ),
        (
            .smallmoney, ["-214748.3648", "214748.3647"],
            [.decimal(SQLDecimal("-214748.3648")!), .decimal(SQLDecimal("214748.3647")!)]
        ),
        (.real, ["-3.40E+38", "1.5"], [.double(Double(Float(-3.40e38))), .double(1.5)]),
        (.float, ["-1.79E+308", "2.5"], [.double(-1.79e308), .double(2.5)]),
        (.char(3), ["'ab'", "'xyz'"], [.string("ab "), .string("xyz")]),
        (.varchar(5), ["''", "'hello'"], [.string(""), .string("hello")]),
        (.nchar(2), ["N'é'", "N'日本'"], [.string("é "), .string("日本")]),
        (.nvarchar(10), ["N'Ünïcødé'", "N''"], [.string("Ünïcødé"), .string("")]),
        (
            .nvarchar(nil), ["REPLICATE(N'x', 10000)", "N'y'"],
            [.string(String(repeating: "x", count: 10000)), .string("y")]
        ),
        (.varchar(nil), ["'long'", "''"], [.string("long"), .string("")]),
        (.binary(4), ["0x01", "0xFFFFFFFF"], [.bytes([1, 0, 0, 0]), .bytes([255, 255, 255, 255])]),
        (.varbinary(4), ["0x", "0x00FF"], [.bytes([]), .bytes([0, 255])]),
        (.varbinary(nil), ["0x0102030405", "0x"], [.bytes([1, 2, 3, 4, 5]), .bytes([])]),
        (
            .date, ["'0001-01-01'", "'9999-12-31'"],
            [.date(SQLDate(year: 1, month: 1, day: 1)!), .date(SQLDate(year: 9999, month: 12, day: 31)!)]
        ),
        (
            .time(scale: 7), ["'00:00:00'", "'23:59:59.999999'"],
            [
                .time(SQLTime(hour: 0, minute: 0, second: 0)!),
                .time(SQLTime(hour: 23, minute: 59, second: 59, nanosecond: 999_999_000)!),
            ]
        ),
        (
            .datetime, ["'1753-01-01 00:00:00'", "'9999-12-31 23:59:59.997'"],
            [
                .timestamp(SQLTimestamp(iso: "1753-01-01 00:00:00")!),
                .timestamp(SQLTimestamp(iso: "9999-12-31 23:59:59.997")!),
            ]
        ),
        (
            .smalldatetime, ["'1900-01-01 00:00'", "'2079-06-06 23:59'"],
            [
                .timestamp(SQLTimestamp(iso: "1900-01-01 00:00:00")!),
                .timestamp(SQLTimestamp(iso: "2079-06-06 23:59:00")!),
            ]
        ),
        (
            .datetime2(scale: 7), ["'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'"],
            [
                .timestamp(SQLTimestamp(iso: "0001-01-01 00:00:00")!),
                .timestamp(SQLTimestamp(iso: "9999-12-31 23:59:59.999999")!),
            ]
        ),
        (
            .datetimeoffset(scale: 7), ["'0001-01-01 00:00:00 -14:00'", "'9999-12-31 23:59:59.999999 +14:00'"],
            [
                .timestampTZ(SQLTimestampTZ(iso: "0001-01-01 00:00:00-14:00")!),
                .timestampTZ(SQLTimestampTZ(iso: "9999-12-31 23:59:59.999999+14:00")!),
            ]
        ),
        (
            .uniqueidentifier, ["'6F9619FF-8B86-D011-B42D-00C04FC964FF'", "'00000000-0000-0000-0000-000000000000'"],
            [
                .uuid(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!),
                .uuid(UUID(uuidString: "00000000-0000-0000-0000-000000000000")!),
            ]
        ),
    ]

    @Test func everyTypeRoundTripsWithNullsAndExtremes() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let columns = Self.matrix.enumerated().map { "C\($0.offset) \($0.element.type)" }
        _ = try engine.ok("CREATE TABLE Matrix (Id int PRIMARY KEY, " + columns.joined(separator: ", ") + ")")
        for row in 0..<2 {
            let values = Self.matrix.map { $0.literals[row] }
            _ = try engine.ok("INSERT Matrix VALUES (\(row), " + values.joined(separator: ", ") + ")")
        }
        _ = try engine.ok("INSERT Matrix (Id) VALUES (2)")
        let result = try engine.ok("SELECT * FROM Matrix ORDER BY Id")
        let set = try #require(result.resultSets.first)
        #expect(set.columns.map(\.name) == ["Id"] + Self.matrix.indices.map { "C\($0)" })
        #expect(set.columns.dropFirst().map(\.type) == Self.matrix.map(\.type))
        try #require(set.rows.count == 3)
        for (index, entry) in Self.matrix.enumerated() {
            #expect(set.rows[0][index + 1] == entry.expected[0], "\(entry.type) minimum")
            #expect(set.rows[1][index + 1] == entry.expected[1], "\(entry.type) maximum")
            #expect(set.rows[2][index + 1] == .null, "\(entry.type) NULL")
        }
    }

    @Test func computedColumnsAreTypedFromCastsParametersAndPostgres() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            "DECLARE @d decimal(12,2) = 3.5\nSELECT CAST(1 AS tinyint) AS a, @d AS b, 1 + 1 AS c, 'x' AS d, 2.50 * 2 AS e, GETDATE() AS f"
        )
        let set = try #require(result.resultSets.first)
        #expect(set.columns.map(\.name) == ["a", "b", "c", "d", "e", "f"])
        #expect(
            set.columns.map(\.type).prefix(4) == [.tinyint, .decimal(precision: 12, scale: 2), .int, .nvarchar(nil)])
        #expect(set.columns[4].type == .decimal(precision: 38, scale: 2))
        #expect(set.columns[5].type == .datetime)
        #expect(set.rows.first?[1] == .decimal(SQLDecimal("3.50")!))
    }

    @Test func datetimeRoundsToThreeHundredthsAndSmalldatetimeToMinutes() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok(
            """
            CREATE TABLE D (id int, dt datetime, sdt smalldatetime)
            INSERT D VALUES (1, '2024-01-01 10:00:00.001', '2024-01-01 10:00:29')
            INSERT D VALUES (2, '2024-01-01 10:00:00.005', '2024-01-01 10:00:31')
            """)
        let rows = try engine.ok("SELECT dt, sdt FROM D ORDER BY id").resultSets.first?.rows
        #expect(
            rows == [
                [
                    .timestamp(SQLTimestamp(iso: "2024-01-01 10:00:00")!),
                    .timestamp(SQLTimestamp(iso: "2024-01-01 10:00:00")!),
                ],
                [
                    .timestamp(SQLTimestamp(iso: "2024-01-01 10:00:00.007")!),
                    .timestamp(SQLTimestamp(iso: "2024-01-01 10:01:00")!),
                ],
            ])
    }

    @Test func datetimeOffsetKeepsItsOffset() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok(
            """
            CREATE TABLE O (Id int, At datetimeoffset(7))
            INSERT O VALUES (1, '2024-05-01 10:00:00 +02:00'), (2, '2024-05-01 08:30:00 +00:00')
            UPDATE O SET At = '2024-05-01 12:00:00 +05:30' WHERE Id = 2
            """)
        let inserted = try engine.rpc(
            "sp_executesql",
            [
                RPCParameter(name: "", type: .nvarchar(nil), value: .string("INSERT O VALUES (3, @at)")),
                RPCParameter(name: "", type: .nvarchar(nil), value: .string("@at datetimeoffset(7)")),
                RPCParameter(
                    name: "@at", type: .datetimeoffset(scale: 7),
                    value: .timestampTZ(SQLTimestampTZ(iso: "2024-05-01 01:00:00-07:00")!)),
            ])
        #expect(inserted.errors.isEmpty, "\(inserted.errors)")
        let rows = try engine.ok("SELECT At FROM O ORDER BY At, Id").resultSets.first?.rows
        // By instant (06:30Z, then 08:00Z twice, tied, so by Id), as SQL Server orders datetimeoffset.
        #expect(
            rows == [
                [.timestampTZ(SQLTimestampTZ(iso: "2024-05-01 12:00:00+05:30")!)],
                [.timestampTZ(SQLTimestampTZ(iso: "2024-05-01 10:00:00+02:00")!)],
                [.timestampTZ(SQLTimestampTZ(iso: "2024-05-01 01:00:00-07:00")!)],
            ])
        let same = try engine.ok(
            "SELECT COUNT(*) FROM O WHERE At = CAST('2024-05-01 08:00:00 +00:00' AS datetimeoffset)")
        #expect(same.scalar == .int(2))
        let computedColumn = try engine.ok("SELECT COALESCE(At, At) AS v FROM O WHERE Id = 1")
        #expect(computedColumn.resultSets.first?.columns.first?.type == .datetimeoffset(scale: 7))
        #expect(computedColumn.scalar == .timestampTZ(SQLTimestampTZ(iso: "2024-05-01 10:00:00+02:00")!))
        // Not supported on the composite: an error, never a wrong value.
        #expect(try engine.run("SELECT MAX(At) FROM O").errors.first?.number == 195)
        let computed = try engine.ok("SELECT CAST('2024-01-02 03:04:05 -03:00' AS datetimeoffset(3)) AS v")
        #expect(computed.resultSets.first?.columns.first?.type == .datetimeoffset(scale: 3))
        #expect(computed.scalar == .timestampTZ(SQLTimestampTZ(iso: "2024-01-02 03:04:05-03:00")!))
    }

    @Test func formatOnlyDescribesWithoutRows() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE F (Id int, Amount money)\nINSERT F VALUES (1, 2)")
        let result = try engine.ok("SET FMTONLY ON select * from F SET FMTONLY OFF")
        #expect(
            result.resultSets.first?.columns == [
                ResultColumn(name: "Id", type: .int), ResultColumn(name: "Amount", type: .money),
            ])
        #expect(result.resultSets.first?.rows.isEmpty == true)
        let skipped = try engine.ok("SET FMTONLY ON INSERT F VALUES (2, 3) SET FMTONLY OFF SELECT COUNT(*) FROM F")
        #expect(skipped.scalar == .int(1))
    }

    @Test func lengthsAreEnforcedAndSevenDigitFractionsRejected() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE L (s nvarchar(3), b varbinary(2), t datetime2(7))")
        #expect(try engine.run("INSERT L (s) VALUES (N'abcd')").errors.first?.number == 2628)
        #expect(try engine.run("INSERT L (b) VALUES (0x010203)").errors.first?.number == 547)
        #expect(try engine.run("INSERT L (t) VALUES ('2024-01-01 00:00:00.1234567')").errors.first?.number == 241)
    }
}
