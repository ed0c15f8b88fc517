import DBCore
import Foundation
import MSSQLDriver
import Testing

/// Every type of the matrix through the real sandbox (T-SQL translated to PostgreSQL): each value is sent as a
/// parameter, stored in a column of the type and read back, next to a NULL.
@Suite("MSSQLDriver on the real sandbox: types", .dropsTestObjects)
struct RealTypeTests {
    /// Stores `values` (then NULL) in a `type` column through parameters, reads them back in order and compares
    /// with `expected` (the values themselves when `nil`).
    func roundTrip(_ type: String, _ values: [SQLValue], expected: [SQLValue]? = nil) throws {
        let connection = try RealSandbox.connect()
        defer { connection.close() }
        let table = RealSandbox.uniqueName("types")
        try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY, v \(type) NULL)")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let cursor = try connection.makeCursor()
        for (index, value) in (values + [.null]).enumerated() {
            try cursor.execute(
                BoundStatement(
                    sql: "INSERT INTO \(table) (id, v) VALUES (@P1, @P2)", parameters: [.int(Int64(index)), value]))
            #expect(cursor.rowCount == 1)
        }
        let rows = try connection.run("SELECT v FROM \(table) ORDER BY id")
        #expect(rows.map { $0[0] } == (expected ?? values) + [.null], "\(type)")
        // The same values read in place through row views, every typed accessor consistent with them.
        try cursor.execute("SELECT v FROM \(table) ORDER BY id")
        let viewed = try readThroughViews(cursor)
        #expect(viewed.rows.map { $0[0] } == (expected ?? values) + [.null], "\(type) through views")
        #expect(viewed.problems.isEmpty, "\(type): \(viewed.problems)")
    }

    @Test("integers: tinyint, smallint, int, bigint at their extremes")
    func integers() async throws {
        try await offPool {
            try roundTrip("TINYINT", [.int(0), .int(255)])
            try roundTrip("SMALLINT", [.int(-32768), .int(32767)])
            try roundTrip("INT", [.int(Int64(Int32.min)), .int(Int64(Int32.max))])
            try roundTrip("BIGINT", [.int(.min), .int(.max), .int(0)])
        }
    }

    @Test("bit")
    func bit() async throws {
        try await offPool {
            try roundTrip("BIT", [.bool(true), .bool(false)])
        }
    }

    @Test("DECIMAL(38,s) exactly, at 38 digits")
    func decimals() async throws {
        try await offPool {
            let d = { (text: String) in SQLValue.decimal(SQLDecimal(text)!) }
            try roundTrip(
                "DECIMAL(38,0)",
                [d("99999999999999999999999999999999999999"), d("-99999999999999999999999999999999999999"), d("0")])
            try roundTrip(
                "DECIMAL(38,10)",
                [d("1234567890123456789012345678.0123456789"), d("-0.0000000001"), d("12.5000000000")])
            try roundTrip(
                "NUMERIC(5,2)", [d("123.45"), d("-999.99"), d("0.01")],
                expected: [d("123.45"), d("-999.99"), d("0.01")])
            // A value with fewer decimals comes back at the column's scale.
            try roundTrip("DECIMAL(10,4)", [d("1.5")], expected: [d("1.5000")])
        }
    }

    @Test("decimals travel at their own precision (every DECIMALN length FreeTDS uses) and come back exactly")
    func decimalPrecisions() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            var digits = ""
            for precision in 1...38 {
                digits += String(precision % 10)
                let value = SQLDecimal(precision > 2 ? "-" + digits.dropLast(2) + "." + digits.suffix(2) : digits)!
                let row = try #require(try connection.query("SELECT \(bind: value)").first)
                #expect(row[0] == .decimal(value), "precision \(precision)")
            }
        }
    }

    @Test("money and smallmoney at their extremes")
    func money() async throws {
        try await offPool {
            let d = { (text: String) in SQLValue.decimal(SQLDecimal(text)!) }
            try roundTrip("MONEY", [d("922337203685477.5807"), d("-922337203685477.5808"), d("0.0001")])
            try roundTrip("SMALLMONEY", [d("214748.3647"), d("-214748.3648")])
        }
    }

    @Test("real and float")
    func floats() async throws {
        try await offPool {
            try roundTrip("REAL", [.double(3.5), .double(-1048576.5), .double(Double(Float.greatestFiniteMagnitude))])
            try roundTrip(
                "FLOAT", [.double(.greatestFiniteMagnitude), .double(-2.2250738585072014e-308), .double(0.1)])
        }
    }

    @Test("char, varchar, nchar, nvarchar and the (max) types, with Unicode")
    func strings() async throws {
        try await offPool {
            let s = { (text: String) in SQLValue.string(text) }
            try roundTrip("CHAR(5)", [s("ab"), s("abcde")], expected: [s("ab   "), s("abcde")])
            try roundTrip("NCHAR(3)", [s("日")], expected: [s("日  ")])
            try roundTrip("VARCHAR(10)", [s("héllo"), s("x")])
            try roundTrip("NVARCHAR(10)", [s("日本 🌍"), s("ünï")])
            // varchar holds code page 1252 (the sandbox refuses other characters; SQL Server would store '?').
            try roundTrip("VARCHAR(MAX)", [s(String(repeating: "long text é ", count: 2000))])
            try roundTrip("NVARCHAR(MAX)", [s(String(repeating: "long text ✓ 日本 ", count: 2000)), s("short")])
        }
    }

    @Test("result columns name their server type: varchar and nvarchar apart, nullability")
    func columnTypeNames() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("names")
            try connection.run(
                """
                CREATE TABLE \(table) (a CHAR(3) NOT NULL, b VARCHAR(10), c NCHAR(3), d NVARCHAR(10), e VARCHAR(MAX),
                f NVARCHAR(MAX), g BINARY(2), h VARBINARY(10), i VARBINARY(MAX), j INT, k DECIMAL(10,2), l DATETIME2(3))
                """)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT * FROM \(table)")
            let columns = try #require(cursor.columns)
            #expect(
                columns.map(\.nativeTypeName)[..<10]
                    == [
                        "char", "varchar", "nchar", "nvarchar", "varchar", "nvarchar", "binary", "varbinary",
                        "varbinary",
                        "int",
                    ])
            // The sandbox sends every decimal as NUMERICN (SQL Server sends DECIMALN for DECIMAL columns).
            #expect(["decimal", "numeric"].contains(columns[10].nativeTypeName))
            #expect(columns[10].type == .decimal)
            #expect(columns[11].nativeTypeName == "datetime2")
            // The sandbox marks every result column nullable (SQL Server would report `a` NOT NULL).
            #expect(columns[1].isNullable == true)
            #expect(columns[10].precision == 10 && columns[10].scale == 2)
            #expect(columns[11].scale == 3)
        }
    }

    @Test("an empty string and an empty binary stay distinct from NULL")
    func emptyValues() async throws {
        try await offPool {
            try roundTrip("NVARCHAR(10)", [.string(""), .string("a")])
            try roundTrip("NVARCHAR(MAX)", [.string("")])
            try roundTrip("VARBINARY(10)", [.bytes([]), .bytes([1])])
            try roundTrip("VARBINARY(MAX)", [.bytes([])])
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let row = try #require(
                try connection.query("SELECT \(bind: ""), \(bind: [UInt8]()), LEN(\(bind: ""))").first)
            #expect(Array(row.values) == [.string(""), .bytes([]), .int(0)])
        }
    }

    @Test("binary and varbinary, (max) included")
    func binaries() async throws {
        try await offPool {
            try roundTrip("BINARY(4)", [.bytes([1, 2])], expected: [.bytes([1, 2, 0, 0])])
            try roundTrip("VARBINARY(10)", [.bytes([0, 255, 7])])
            let large = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try roundTrip("VARBINARY(MAX)", [.bytes(large), .bytes([0])])
        }
    }

    @Test("date, time(n), datetime, smalldatetime, datetime2(n) at their extremes")
    func dateTimes() async throws {
        try await offPool {
            let date = { (text: String) in SQLValue.date(SQLDate(iso: text)!) }
            let time = { (text: String) in SQLValue.time(SQLTime(iso: text)!) }
            let stamp = { (text: String) in SQLValue.timestamp(SQLTimestamp(iso: text)!) }
            try roundTrip("DATE", [date("0001-01-01"), date("9999-12-31"), date("2024-02-29")])
            try roundTrip("TIME(7)", [time("00:00:00"), time("23:59:59.999999"), time("12:34:56.5")])
            try roundTrip("TIME(3)", [time("23:59:59.123")])
            try roundTrip("TIME(0)", [time("08:15:00")])
            try roundTrip(
                "DATETIME",
                [stamp("1753-01-01 00:00:00"), stamp("9999-12-31 23:59:59.997"), stamp("2024-02-29 13:45:30.003")])
            try roundTrip("SMALLDATETIME", [stamp("1900-01-01 00:00:00"), stamp("2079-06-06 23:59:00")])
            try roundTrip(
                "DATETIME2(7)",
                [stamp("0001-01-01 00:00:00"), stamp("9999-12-31 23:59:59.999999"), stamp("2024-02-29 13:45:30.5")])
            try roundTrip("DATETIME2(3)", [stamp("2024-01-02 03:04:05.678")])
            try roundTrip("DATETIME2(0)", [stamp("2024-01-02 03:04:05")])
        }
    }

    @Test("datetime rounds to 1/300 s and smalldatetime to the minute, as SQL Server stores them")
    func legacyRounding() async throws {
        try await offPool {
            let stamp = { (text: String) in SQLValue.timestamp(SQLTimestamp(iso: text)!) }
            try roundTrip("DATETIME", [stamp("2024-01-01 00:00:00.001")], expected: [stamp("2024-01-01 00:00:00")])
            try roundTrip("SMALLDATETIME", [stamp("2024-01-01 10:20:31")], expected: [stamp("2024-01-01 10:21:00")])
        }
    }

    @Test("datetimeoffset keeps its offset")
    func dateTimeOffset() async throws {
        try await offPool {
            let tz = { (text: String) in SQLValue.timestampTZ(SQLTimestampTZ(iso: text)!) }
            let values = [
                tz("2024-01-01 01:30:00.5+05:30"), tz("2024-06-30 23:59:59-08:00"), tz("0001-01-01 14:00:00+14:00"),
            ]
            try roundTrip("DATETIMEOFFSET(7)", values)
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let row = try #require(
                try connection.query("SELECT \(bind: SQLTimestampTZ(iso: "2024-01-01 01:30:00+05:30")!)").first)
            guard case .timestampTZ(let got) = row[0] else {
                Issue.record("not a datetimeoffset: \(row[0])")
                return
            }
            #expect(got.offsetSeconds == 19_800)
            #expect(got.local == SQLTimestamp(iso: "2024-01-01 01:30:00")!)
        }
    }

    @Test(
        "DATETIME2(7) at 100 ns: the sandbox refuses a non-zero 7th digit (241) rather than rounding",
        .enabled(
            if: MSSQLTestServer.usesInProcessSandbox,
            "the 241 for a non-zero 7th digit is the sandbox's own limit: SQL Server stores 100 ns, Babelfish rounds to microseconds"
        ))
    func hundredNanoseconds() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let error = databaseError {
                try connection.run("SELECT CAST('2024-01-01 12:00:00.1234567' AS datetime2(7))")
            }
            #expect(error?.number == 241)
            #expect(error?.kind == .dataException)
            // Six digits are exact at datetime2(7) (the driver decodes 100 ns units).
            let value = try connection.scalar("SELECT CAST('2024-01-01 12:00:00.1234560' AS datetime2(7))")
            #expect(value == .timestamp(SQLTimestamp(iso: "2024-01-01 12:00:00.123456")!))
        }
    }

    @Test("uniqueidentifier keeps SQL Server's byte order")
    func uniqueIdentifier() async throws {
        try await offPool {
            let uuid = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
            try roundTrip("UNIQUEIDENTIFIER", [.uuid(uuid), .uuid(UUID())])
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let literal = try connection.scalar(
                "SELECT CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)")
            #expect(literal == .uuid(uuid))
            let text = try connection.scalar("SELECT CONVERT(varchar(36), %s)", [uuid])
            // SQL Server prints upper case, the sandbox (PostgreSQL) lower case: the digits are what matters.
            #expect((try? String(sqlValue: text))?.uppercased() == uuid.uuidString)
        }
    }
}
