import DBCore
import Foundation
import PGDriver
import Testing

/// The binary COPY encoders' edge cases, checked against PostgreSQL's own text of what it stored.
@Suite("PostgreSQL bulk copy: binary numeric and text encoding")
struct PGBulkEncodingTests {
    @Test("numerics of every shape store exactly (group alignment, zero groups, signs, scale)")
    func numericShapes() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_numeric")
        try connection.run("CREATE TABLE \(table) (id int4, n numeric)")
        let texts = [
            "0", "0.0", "0.00", "1", "-1", "9999", "10000", "-10000", "12345", "99999999", "100000000",
            "0.5", "0.0001", "0.00001", "-0.00001", "0.10000", "1.0001", "10000.0001", "12345.25", "99999.25",
            "123456789.123456789", "-99999999.99990000", "1000000000000000000000000000000000000001",
            "0.000000000000000000000000000000000000001", "3.14159265358979323846264338327950288",
        ]
        let rows = texts.enumerated().map { index, text -> [SQLValue] in
            [.int(Int64(index)), .decimal(SQLDecimal(text)!)]
        }
        #expect(try connection.bulkInsert(into: BulkTableName(table), columns: ["id", "n"], rows: rows) == texts.count)
        let stored = try connection.run("SELECT n::text FROM \(table) ORDER BY id").map {
            try $0.get(String.self, at: 0)
        }
        #expect(stored == texts.map { SQLDecimal($0)!.description })
        try connection.run("DROP TABLE \(table)")
    }

    @Test("integers, doubles and decimal text copy into numeric and text columns")
    func conversions() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_convert")
        try connection.run("CREATE TABLE \(table) (id int4, n numeric, t text)")
        let rows: [[SQLValue]] = [
            [.int(1), .int(-1234567890123), .int(42)],
            [.int(2), .double(0.125), .decimal(SQLDecimal("-7.50")!)],
            [.int(3), .string("00012.340"), .string("")],
        ]
        try connection.bulkInsert(into: BulkTableName(table), columns: ["id", "n", "t"], rows: rows)
        let stored = try connection.run("SELECT n::text, t FROM \(table) ORDER BY id").map {
            [try $0.get(String.self, at: 0), try $0.get(String.self, at: 1)]
        }
        #expect(stored == [["-1234567890123", "42"], ["0.125", "-7.50"], ["12.340", ""]])
        try connection.run("DROP TABLE \(table)")
    }

    @Test("text with NUL fails on the client naming row and column, and nothing is stored")
    func textWithNUL() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("bulk_nul")
        try connection.run("CREATE TABLE \(table) (id int4, t text)")
        let rows: [[SQLValue]] = (0..<5).map {
            [.int(Int64($0)), .string($0 == 3 ? "a\u{0}b" : "long enough text \($0)")]
        }
        let failure = databaseError {
            try connection.bulkInsert(into: BulkTableName(table), columns: ["id", "t"], rows: rows)
        }
        #expect(failure?.kind == .typeMismatch)
        #expect(failure?.message.contains("row 3") == true && failure?.message.contains("NUL") == true)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(0))
        try connection.run("DROP TABLE \(table)")
    }
}
