import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// The fetch path: rows read ahead in batches, and decimals decoded straight to canonical text.
@Suite("MSSQLDriver fetch path: read-ahead and decimal decoding", .dropsTestObjects)
struct MSSQLFetchPathTests {
    @Test("decimals of up to 19 digits decode to the same value as the general path, negative zero included")
    func decimalFastPath() {
        let magnitudes: [UInt64] = [
            0, 1, 5, 9, 10, 99, 100, 12_345, 1_000_000, 999_999_999_999, UInt64(Int64.max), .max,
        ]
        for magnitude in magnitudes {
            for scale in [0, 1, 2, 4, 10, 19, 25] {
                for negative in [false, true] {
                    let fast = DBNumericCodec.canonicalDecimal(magnitude: magnitude, scale: scale, negative: negative)
                    let general = DBNumericCodec.makeDecimal(
                        digits: String(magnitude), scale: scale, negative: negative)
                    #expect(fast == general, "\(negative ? "-" : "")\(magnitude)e-\(scale)")
                    #expect(fast.description == general.description, "\(negative ? "-" : "")\(magnitude)e-\(scale)")
                }
            }
        }
        #expect(DBNumericCodec.canonicalDecimal(magnitude: 5, scale: 3, negative: true).description == "-0.005")
        #expect(DBNumericCodec.canonicalDecimal(magnitude: 0, scale: 2, negative: true).description == "0.00")
    }

    @Test("more rows than one read-ahead: every row once, in order, with rowCount at the end")
    func readAhead() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("fetch_ahead")
            try connection.run("CREATE TABLE \(table) (id INT, d DECIMAL(12,2), s NVARCHAR(40))")
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let count = MSSQLCursor.readAhead * 3 + 17
            let cursor = try connection.makeCursor()
            try cursor.executeMany(
                "INSERT INTO \(table) VALUES (@P1, @P2, @P3)",
                parameterSets: (0..<count).map {
                    [.int(Int64($0)), .decimal(SQLDecimal("-\($0).05")!), .string("s\($0)")]
                })
            try cursor.execute("SELECT id, d, s FROM \(table) ORDER BY id")
            var seen = 0
            let first = try cursor.fetchMany(5)
            #expect(first.map { $0[0] } == (0..<5).map { .int(Int64($0)) })
            seen += first.count
            while let row = try cursor.fetchOne() {
                #expect(row[0] == .int(Int64(seen)))
                #expect(row[1] == .decimal(SQLDecimal(seen == 0 ? "0.05" : "-\(seen).05")!))
                #expect(row["s"] == .string("s\(seen)"))
                seen += 1
            }
            #expect(seen == count)
            #expect(cursor.rowCount == count)
            #expect(try cursor.fetchOne() == nil)
        }
    }

    @Test("rows read ahead are not handed out once another statement ran or the connection closed")
    func readAheadDiscarded() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3")
            #expect(try cursor.fetchOne()?[0] == .int(1))
            let other = try connection.makeCursor()
            try other.execute("SELECT 42")
            let error = databaseError { _ = try cursor.fetchOne() }
            #expect(error?.kind == .misuse)
            #expect(try other.fetchOne()?[0] == .int(42))

            try cursor.execute("SELECT 1 AS a UNION ALL SELECT 2")
            #expect(try cursor.fetchOne()?[0] == .int(1))
            connection.close()
            let closed = databaseError { _ = try cursor.fetchOne() }
            #expect(closed?.kind == .connectionLost)
        }
    }

    @Test("several result sets: moving on after a partly read result works with read-ahead")
    func resultSets() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let cursor = try connection.makeCursor()
            try cursor.execute("SELECT 1 AS a UNION ALL SELECT 2; SELECT 'x' AS b; SELECT 3 AS c")
            #expect(try cursor.fetchOne()?[0] == .int(1))
            #expect(try cursor.nextResultSet())
            #expect(try cursor.fetchAll().map { $0[0] } == [.string("x")])
            #expect(try cursor.nextResultSet())
            #expect(try cursor.fetchAll().map { $0[0] } == [.int(3)])
            #expect(try cursor.nextResultSet() == false)
        }
    }
}

/// The encoders executeMany leans on: decimals of up to 18 digits in one pass, and the `@params` text.
@Suite("MSSQLDriver parameter encoding fast paths", .dropsTestObjects)
struct MSSQLEncodingFastPathTests {
    @Test("small decimals encode to the same DBNUMERIC bytes, precision and scale as the general path")
    func smallDecimals() throws {
        let texts = [
            "0", "1", "-1", "0.05", "-0.05", "12.50", "100", "99999.25", "-123456789012345678", "123456789.123456789",
            "0.000000000000000001", "1.00000000000000000", "-999999999999999999",
        ]
        for text in texts {
            let value = try #require(SQLDecimal(text))
            let fast = try #require(DBNumericCodec.encodeSmall(value), "\(text)")
            let general = try DBNumericCodec.encodeGeneral(value)
            #expect(fast.bytes == general.bytes, "\(text)")
            #expect(fast.precision == general.precision, "\(text)")
            #expect(fast.scale == general.scale, "\(text)")
        }
        // 19 significant digits and more take the general path.
        #expect(DBNumericCodec.encodeSmall(SQLDecimal("1234567890123456789")!) == nil)
        #expect(try DBNumericCodec.encode(SQLDecimal("1234567890123456789.5")!).precision == 20)
    }

    @Test("the @params text names every parameter with its declaration")
    func declarations() throws {
        let encoded = try [SQLValue.int(1), .string("x"), .null, .decimal(SQLDecimal("1.25")!)].map(
            MSSQLParameterEncoder.encode)
        #expect(
            MSSQLParameterEncoder.declarations(encoded)
                == "@P1 BIGINT, @P2 NVARCHAR(4000), @P3 NVARCHAR(4000), @P4 DECIMAL(3,2)")
        #expect(MSSQLParameterEncoder.declarations([]) == "")
    }
}
