import DBCore
import Foundation
import TDSSandbox
import Testing

/// The whole type matrix over the wire: every T-SQL type the sandbox declares, with its extremes and NULL, checked
/// in the COLMETADATA type bytes and the decoded row values (raw client) and in what `tsql` prints.
@Suite("End to end: the type matrix")
struct EndToEndTypeTests {
    struct Entry {
        var type: String
        /// The literals of the two rows (minimum, maximum).
        var literals: [String]
        var expected: [SQLValue]
        /// TYPE_INFO: type byte, max length, precision, scale.
        var typeByte: UInt8
        var maxLength: Int?
        var precision: Int? = nil
        var scale: Int? = nil
        /// What tsql prints for the two rows (FreeTDS's own conversions: `real` with 9 significant digits, date and
        /// time types in its default `%b %e %Y %I:%M%p` format, which prints year 1 as "1").
        var printed: [String]
    }

    static let collation: [UInt8] = [0x09, 0x04, 0xD0, 0x00, 0x34]

    static let matrix: [Entry] = [
        Entry(
            type: "tinyint", literals: ["0", "255"], expected: [.int(0), .int(255)], typeByte: 0x26, maxLength: 1,
            printed: ["0", "255"]),
        Entry(
            type: "smallint", literals: ["-32768", "32767"], expected: [.int(-32768), .int(32767)], typeByte: 0x26,
            maxLength: 2, printed: ["-32768", "32767"]),
        Entry(
            type: "int", literals: ["-2147483648", "2147483647"],
            expected: [.int(-2_147_483_648), .int(2_147_483_647)],
            typeByte: 0x26, maxLength: 4, printed: ["-2147483648", "2147483647"]),
        Entry(
            type: "bigint", literals: ["-9223372036854775808", "9223372036854775807"],
            expected: [.int(.min), .int(.max)],
            typeByte: 0x26, maxLength: 8, printed: ["-9223372036854775808", "9223372036854775807"]),
        Entry(
            type: "bit", literals: ["0", "1"], expected: [.bool(false), .bool(true)], typeByte: 0x68, maxLength: 1,
            printed: ["0", "1"]),
        Entry(
            type: "decimal(38,4)", literals: ["-9999999999999999999999999999999999.9999", "0.0001"],
            expected: [
                .decimal(SQLDecimal("-9999999999999999999999999999999999.9999")!), .decimal(SQLDecimal("0.0001")!),
            ],
            typeByte: 0x6C, maxLength: 17, precision: 38, scale: 4,
            printed: ["-9999999999999999999999999999999999.9999", "0.0001"]),
        Entry(
            type: "decimal(5,2)", literals: ["-999.99", "0"],
            expected: [.decimal(SQLDecimal("-999.99")!), .decimal(SQLDecimal("0.00")!)],
            typeByte: 0x6C, maxLength: 5, precision: 5, scale: 2, printed: ["-999.99", "0.00"]),
        Entry(
            type: "money", literals: ["-922337203685477.5808", "922337203685477.5807"],
            expected: [.decimal(SQLDecimal("-922337203685477.5808")!), .decimal(SQLDecimal("922337203685477.5807")!)],
            typeByte: 0x6E, maxLength: 8, printed: ["-922337203685477.5808", "922337203685477.5807"]),
        Entry(
            type: "smallmoney", literals: ["-214748.3648", "214748.3647"],
            expected: [.decimal(SQLDecimal("-214748.3648")!), .decimal(SQLDecimal("214748.3647")!)],
            typeByte: 0x6E, maxLength: 4, printed: ["-214748.3648", "214748.3647"]),
        Entry(
            type: "real", literals: ["-3.40E+38", "1.5"], expected: [.double(Double(Float(-3.40e38))), .double(1.5)],
            typeByte: 0x6D, maxLength: 4, printed: ["-3.39999995e+38", "1.5"]),
        Entry(
            type: "float", literals: ["-1.79E+308", "2.5"], expected: [.double(-1.79e308), .double(2.5)],
            typeByte: 0x6D, maxLength: 8, printed: ["-1.79e+308", "2.5"]),
        Entry(
            type: "char(3)", literals: ["'ab'", "'xyz'"], expected: [.string("ab "), .string("xyz")], typeByte: 0xAF,
            maxLength: 3, printed: ["ab ", "xyz"]),
        Entry(
            type: "varchar(5)", literals: ["''", "'café'"], expected: [.string(""), .string("café")], typeByte: 0xA7,
            maxLength: 5, printed: ["", "café"]),
        Entry(
            type: "nchar(2)", literals: ["N'é'", "N'日本'"], expected: [.string("é "), .string("日本")], typeByte: 0xEF,
            maxLength: 4, printed: ["é ", "日本"]),
        Entry(
            type: "nvarchar(10)", literals: ["N''", "N'Ünïcødé😀'"], expected: [.string(""), .string("Ünïcødé😀")],
            typeByte: 0xE7, maxLength: 20, printed: ["", "Ünïcødé😀"]),
        Entry(
            type: "nvarchar(max)", literals: ["N'y'", "REPLICATE(N'x', 10000)"],
            expected: [.string("y"), .string(String(repeating: "x", count: 10000))], typeByte: 0xE7, maxLength: 0xFFFF,
            printed: ["y", String(repeating: "x", count: 10000)]),
        Entry(
            type: "varchar(max)", literals: ["''", "'long'"], expected: [.string(""), .string("long")], typeByte: 0xA7,
            maxLength: 0xFFFF, printed: ["", "long"]),
        Entry(
            type: "binary(4)", literals: ["0x01", "0xFFFFFFFF"],
            expected: [.bytes([1, 0, 0, 0]), .bytes([255, 255, 255, 255])],
            typeByte: 0xAD, maxLength: 4, printed: ["01000000", "ffffffff"]),
        Entry(
            type: "varbinary(4)", literals: ["0x", "0x00FF"], expected: [.bytes([]), .bytes([0, 255])], typeByte: 0xA5,
            maxLength: 4, printed: ["", "00ff"]),
        Entry(
            type: "varbinary(max)", literals: ["0x", "0x0102030405"], expected: [.bytes([]), .bytes([1, 2, 3, 4, 5])],
            typeByte: 0xA5, maxLength: 0xFFFF, printed: ["", "0102030405"]),
        Entry(
            type: "date", literals: ["'0001-01-01'", "'9999-12-31'"],
            expected: [.date(SQLDate(year: 1, month: 1, day: 1)!), .date(SQLDate(year: 9999, month: 12, day: 31)!)],
            typeByte: 0x28, maxLength: nil, printed: ["Jan  1 1 12:00AM", "Dec 31 9999 12:00AM"]),
        Entry(
            type: "time(7)", literals: ["'00:00:00'", "'23:59:59.999999'"],
            expected: [
                .time(SQLTime(hour: 0, minute: 0, second: 0)!),
                .time(SQLTime(hour: 23, minute: 59, second: 59, nanosecond: 999_999_000)!),
            ],
            typeByte: 0x29, maxLength: nil, scale: 7, printed: ["Jan  1 1900 12:00AM", "Jan  1 1900 11:59PM"]),
        Entry(
            type: "time(0)", literals: ["'00:00:01'", "'12:34:56'"],
            expected: [
                .time(SQLTime(hour: 0, minute: 0, second: 1)!), .time(SQLTime(hour: 12, minute: 34, second: 56)!),
            ],
            typeByte: 0x29, maxLength: nil, scale: 0, printed: ["Jan  1 1900 12:00AM", "Jan  1 1900 12:34PM"]),
        Entry(
            type: "datetime", literals: ["'1753-01-01 00:00:00'", "'9999-12-31 23:59:59.997'"],
            expected: [
                .timestamp(SQLTimestamp(iso: "1753-01-01 00:00:00")!),
                .timestamp(SQLTimestamp(iso: "9999-12-31 23:59:59.997")!),
            ],
            typeByte: 0x6F, maxLength: 8, printed: ["Jan  1 1753 12:00AM", "Dec 31 9999 11:59PM"]),
        Entry(
            type: "smalldatetime", literals: ["'1900-01-01 00:00'", "'2079-06-06 23:59'"],
            expected: [
                .timestamp(SQLTimestamp(iso: "1900-01-01 00:00:00")!),
                .timestamp(SQLTimestamp(iso: "2079-06-06 23:59:00")!),
            ],
            typeByte: 0x6F, maxLength: 4, printed: ["Jan  1 1900 12:00AM", "Jun  6 2079 11:59PM"]),
        Entry(
            type: "datetime2(7)", literals: ["'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'"],
            expected: [
                .timestamp(SQLTimestamp(iso: "0001-01-01 00:00:00")!),
                .timestamp(SQLTimestamp(iso: "9999-12-31 23:59:59.999999")!),
            ],
            typeByte: 0x2A, maxLength: nil, scale: 7, printed: ["Jan  1 1 12:00AM", "Dec 31 9999 11:59PM"]),
        Entry(
            type: "datetimeoffset(7)",
            literals: ["'0001-01-01 00:00:00 -14:00'", "'9999-12-31 23:59:59.999999 +14:00'"],
            expected: [
                .timestampTZ(SQLTimestampTZ(iso: "0001-01-01 00:00:00-14:00")!),
                .timestampTZ(SQLTimestampTZ(iso: "9999-12-31 23:59:59.999999+14:00")!),
            ],
            typeByte: 0x2B, maxLength: nil, scale: 7, printed: ["Jan  1 1 12:00AM", "Dec 31 9999 11:59PM"]),
        Entry(
            type: "uniqueidentifier",
            literals: ["'00000000-0000-0000-0000-000000000000'", "'6F9619FF-8B86-D011-B42D-00C04FC964FF'"],
            expected: [
                .uuid(UUID(uuidString: "00000000-0000-0000-0000-000000000000")!),
                .uuid(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!),
            ],
            typeByte: 0x24, maxLength: 16,
            printed: ["00000000-0000-0000-0000-000000000000", "6F9619FF-8B86-D011-B42D-00C04FC964FF"]),
    ]

    /// Creates table `Matrix` with one column per entry and three rows: minimum, maximum, NULL.
    static let setup: String = {
        let columns = matrix.enumerated().map { "C\($0.offset) \($0.element.type)" }
        var sql = "CREATE TABLE Matrix (Id int PRIMARY KEY, " + columns.joined(separator: ", ") + ")\n"
        for row in 0..<2 {
            sql += "INSERT Matrix VALUES (\(row), " + matrix.map { $0.literals[row] }.joined(separator: ", ") + ")\n"
        }
        return sql + "INSERT Matrix (Id) VALUES (2)\n"
    }()

    @Test func rawClientSeesTypeBytesAndValues() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        let created = try client.batch(Self.setup)
        #expect(created.errors.isEmpty, "\(created.errors)")
        #expect(created.doneCounts == [nil, 1, 1, 1])
        let result = try client.batch("SELECT * FROM Matrix ORDER BY Id")
        #expect(result.errors.isEmpty, "\(result.errors)")
        let set = try #require(result.resultSets.first)
        try #require(set.columns.count == Self.matrix.count + 1)
        try #require(set.rows.count == 3)
        for (index, entry) in Self.matrix.enumerated() {
            let column = set.columns[index + 1]
            #expect(column.name == "C\(index)")
            #expect(column.typeByte == entry.typeByte, "\(entry.type)")
            #expect(column.maxLength == entry.maxLength, "\(entry.type)")
            #expect(column.precision == entry.precision, "\(entry.type)")
            #expect(column.scale == entry.scale, "\(entry.type)")
            #expect(column.flags & 0x01 == 0x01, "\(entry.type) nullable")
            let isCharacter = [0xA7, 0xAF, 0xE7, 0xEF].contains(entry.typeByte)
            #expect(column.collation == (isCharacter ? Self.collation : nil), "\(entry.type)")
            #expect(set.rows[0][index + 1] == entry.expected[0], "\(entry.type) minimum")
            #expect(set.rows[1][index + 1] == entry.expected[1], "\(entry.type) maximum")
            #expect(set.rows[2][index + 1] == .null, "\(entry.type) NULL")
        }
        // The NULL row travels as NBCROW, the others as ROW.
        let rowTokens = result.tokens.compactMap { token -> Bool? in
            if case .row(let values) = token { return values.contains(.null) }
            return nil
        }
        #expect(rowTokens == [false, false, true])
        #expect(result.final?.count == 3)
    }

    @Test func parametersRoundTripThroughRPC() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        let types: [(TSQLType, SQLValue)] = [
            (.bigint, .int(.min)),
            (.decimal(precision: 38, scale: 10), .decimal(SQLDecimal("-1234567890123456789012345678.0123456789")!)),
            (.nvarchar(4000), .string("Ünïcødé😀")), (.varbinary(nil), .bytes([0, 1, 2, 255])),
            (.datetime2(scale: 7), .timestamp(SQLTimestamp(iso: "2024-02-29 23:59:59.123456")!)),
            (.datetimeoffset(scale: 7), .timestampTZ(SQLTimestampTZ(iso: "2024-02-29 23:59:59.5-05:30")!)),
            (.uniqueidentifier, .uuid(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!)), (.int, .null),
        ]
        let names = types.indices.map { "@p\($0)" }
        let declarations = zip(names, types).map { "\($0) \($1.0)" }.joined(separator: ", ")
        let response = try client.executeSQL(
            "SELECT " + names.joined(separator: ", "), declarations: declarations,
            zip(names, types).map { RPCParameter(name: $0, type: $1.0, value: $1.1) })
        #expect(response.errors.isEmpty, "\(response.errors)")
        #expect(response.rows.first == types.map(\.1))
        #expect(response.resultSets.first?.columns.map(\.typeByte) == [0x26, 0x6C, 0xE7, 0xA5, 0x2A, 0x2B, 0x24, 0x26])
    }

    @Test(.enabled(if: EndToEndSandbox.hasTsql, "tsql is not installed"))
    func tsqlPrintsEveryType() throws {
        let sandbox = try EndToEndSandbox()
        let results = try sandbox.tsql(Self.setup + "go\nSELECT * FROM Matrix ORDER BY Id\ngo\nexit\n")
        #expect(results.errors.isEmpty, "\(results.printed)")
        let table = try #require(results.tables.first, "\(results.printed)")
        #expect(table.header == ["Id"] + Self.matrix.indices.map { "C\($0)" })
        try #require(table.rows.count == 3, "\(results.printed)")
        for (index, entry) in Self.matrix.enumerated() {
            #expect(table.rows[0][index + 1] == entry.printed[0], "\(entry.type) minimum")
            #expect(table.rows[1][index + 1] == entry.printed[1], "\(entry.type) maximum")
            #expect(table.rows[2][index + 1] == "NULL", "\(entry.type) NULL")
        }
        #expect(results.rowsAffected == [3])
    }
}
