import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// Implicit conversions as SQL Server's conversion chart makes them, where a typed parameter meets a column of
/// another type: character data converts to numbers, dates, uniqueidentifier and bit (a NULL typed as character
/// data goes anywhere, as ODBC Driver 18 binds an untyped NULL), with SQL Server's error numbers when the text
/// does not convert; what the chart refuses is refused with its number. Every expectation holds on SQL Server too.
@Suite("MSSQLDriver on the real sandbox: implicit conversions", .dropsTestObjects)
struct RealConversionTests {
    private static let columns =
        "id INT PRIMARY KEY, qty INT, price DECIMAL(10,2), born DATE, at DATETIME2, uid UNIQUEIDENTIFIER, flag BIT, "
        + "ratio FLOAT, blob VARBINARY(10)"

    @Test("character parameters convert to the column's type; NULLs typed as character data go anywhere")
    func characterDataConverts() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("conv")
            try connection.run("CREATE TABLE \(table) (\(Self.columns))")
            // Typed NULLs, as a client that declares every NULL as character data sends them.
            try connection.run(
                """
                EXEC sp_executesql N'INSERT INTO \(table) (id, qty, price, born, at, uid, flag, ratio) \
                VALUES (1, @a, @b, @c, @d, @e, @f, @g)', N'@a nvarchar(10), @b varchar(10), @c nvarchar(4000), \
                @d varchar(1), @e nvarchar(36), @f varchar(1), @g nvarchar(1)', @a = NULL, @b = NULL, @c = NULL, \
                @d = NULL, @e = NULL, @f = NULL, @g = NULL
                """)
            let uuid = UUID()
            let cursor = try connection.cursor()
            try cursor.execute(
                "INSERT INTO \(table) (id, qty, price, born, at, uid, flag, ratio) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [2, "42", "12.50", "2024-02-29", "2024-02-29 13:45:30.25", uuid.uuidString, "1", "2.5"])
            try cursor.execute("UPDATE \(table) SET qty = %s WHERE id = %s", ["7", 2])
            let rows = try connection.run("SELECT qty, price, born, at, uid, flag, ratio FROM \(table) ORDER BY id")
            try #require(rows.count == 2)
            #expect(rows[0].values.allSatisfy { $0 == .null })
            #expect(rows[1]["qty"] == .int(7))
            #expect(rows[1]["price"] == .decimal(SQLDecimal("12.50")!))
            #expect(rows[1]["born"] == .date(SQLDate(year: 2024, month: 2, day: 29)!))
            #expect(rows[1]["at"] == .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.25")!))
            #expect(rows[1]["uid"] == .uuid(uuid))
            #expect(rows[1]["flag"] == .bool(true))
            #expect(rows[1]["ratio"] == .double(2.5))
            // A comparison converts the character side too.
            try cursor.execute("SELECT id FROM \(table) WHERE qty = %s", ["7"])
            #expect(try cursor.fetchAll().map { $0[0] } == [.int(2)])
        }
    }

    @Test(
        "character data that does not convert fails with SQL Server's number",
        arguments: [("qty", "abc", 245), ("price", "abc", 8114), ("born", "not a date", 241), ("uid", "nope", 8169)])
    func failedConversions(column: String, text: String, number: Int) async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("convfail")
            try connection.run("CREATE TABLE \(table) (\(Self.columns))")
            let error = databaseError {
                try connection.cursor().execute("INSERT INTO \(table) (id, \(column)) VALUES (%s, %s)", [1, text])
            }
            #expect(error?.number == number, "\(String(describing: error))")
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
        }
    }

    @Test("a number too large for the column is 8115; conversions the chart refuses are 257, 206 and 529")
    func refusedConversions() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("convrefused")
            try connection.run("CREATE TABLE \(table) (\(Self.columns))")
            let cursor = try connection.cursor()
            let overflow = databaseError {
                try cursor.execute("INSERT INTO \(table) (id, qty) VALUES (%s, %s)", [1, 3_000_000_000])
            }
            #expect(overflow?.number == 8115, "\(String(describing: overflow))")
            let binary = databaseError {
                try cursor.execute("INSERT INTO \(table) (id, blob) VALUES (%s, %s)", [2, "abc"])
            }
            #expect(binary?.number == 257, "\(String(describing: binary))")
            let clash = databaseError {
                try cursor.execute("INSERT INTO \(table) (id, born) VALUES (%s, %s)", [3, 20240229])
            }
            #expect(clash?.number == 206, "\(String(describing: clash))")
            let explicit = databaseError { _ = try connection.run("SELECT CAST(5 AS date)") }
            #expect(explicit?.number == 529, "\(String(describing: explicit))")
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
        }
    }
}
