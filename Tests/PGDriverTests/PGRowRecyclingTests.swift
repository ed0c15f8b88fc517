import DBCore
import Foundation
import Testing
import ThrowawayServers

@testable import PGDriver

/// What the point-query path reuses from one row or statement to the next (the row's values array once the caller
/// has let the row go, the libpq result's wrapper once nothing holds it) must never change a row, batch or view the
/// caller still holds; and text decodes as `String(decoding:as:)` would.
@Suite("PGDriver row and result reuse")
struct PGRowRecyclingTests {
    @Test("rows held across fetchOne calls and statements keep their values")
    func heldRowsKeepValues() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let sql = "SELECT g::int8, 'row ' || g, (g * 1.5)::numeric FROM generate_series($1::int8, $1::int8 + 2) g"
        var held: [Row] = []
        for start in [1, 10, 100] {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(Int64(start))]))
            while let row = try cursor.fetchOne() { held.append(row) }
        }
        // A row dropped at once, then the next one decoded into the same buffer.
        for start in [1000, 2000] {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(Int64(start))]))
            var seen: [Int64] = []
            while let row = try cursor.fetchOne() {
                guard case .int(let id) = row[0] else { throw DatabaseError.misuse("not an integer: \(row[0])") }
                #expect(row[1] == .string("row \(id)"))
                seen.append(id)
            }
            #expect(seen == [Int64(start), Int64(start) + 1, Int64(start) + 2])
        }
        let expected = [1, 10, 100].flatMap { start in (start..<start + 3).map(Int64.init) }
        let expectedValues = expected.map { id -> [SQLValue] in
            [.int(id), .string("row \(id)"), .decimal(SQLDecimal(String(format: "%.1f", Double(id) * 1.5))!)]
        }
        #expect(held.map(\.values) == expectedValues)
    }

    @Test("a row kept from one statement is intact after the next statement's row is fetched and dropped")
    func rowKeptAcrossStatements() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let sql = "SELECT $1::int8, $2::text"
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(1), .string("first")]))
        let kept = try #require(try cursor.fetchOne())
        for index in 2...5 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(Int64(index)), .string("next \(index)")]))
            #expect(try cursor.fetchOne()?.values == [.int(Int64(index)), .string("next \(index)")])
        }
        #expect(kept.values == [.int(1), .string("first")])
    }

    @Test("a row view and a row batch keep their result while the cursor runs the same statement again")
    func viewsKeepTheirResult() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let sql = "SELECT $1::int8, $2::text"
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(1), .string("view")]))
        let view = try #require(try cursor.nextRowView())
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(2), .string("batch")]))
        let batch = try #require(try cursor.nextRowBatch())
        for index in 3...5 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(Int64(index)), .string("row \(index)")]))
            #expect(try cursor.fetchOne()?.values == [.int(Int64(index)), .string("row \(index)")])
        }
        #expect(try view.value(0) == .int(1))
        #expect(try view.value(1) == .string("view"))
        #expect(try batch.row(0).value(0) == .int(2))
        #expect(try batch.row(0).value(1) == .string("batch"))
    }

    @Test("the recycled values across failing, rowless and differently shaped statements")
    func recycledValuesAcrossStatementKinds() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let sql = "SELECT $1::int8, $2::text"
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(1), .string("one")]))
        #expect(try cursor.fetchOne()?.values == [.int(1), .string("one")])
        // A statement that fails leaves no result set behind.
        #expect(throws: DatabaseError.self) {
            try cursor.execute(BoundStatement(sql: "SELECT 1 / $1::int4, 'x'::text", parameters: [.int(0)]))
        }
        #expect(throws: DatabaseError.self) { try cursor.fetchOne() }
        // The next row of as many columns, with a NULL, overwrites the kept values.
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(2), .null]))
        let held = try #require(try cursor.fetchOne())
        #expect(held.values == [.int(2), .null])
        // A row the caller holds is left alone by the next one.
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(3), .string("three")]))
        #expect(try cursor.fetchOne()?.values == [.int(3), .string("three")])
        #expect(held.values == [.int(2), .null])
        // No rows, a command, another width, then the first shape again.
        try cursor.execute(BoundStatement(sql: sql + " WHERE false", parameters: [.int(4), .string("none")]))
        #expect(try cursor.fetchOne() == nil)
        try cursor.execute("SET application_name = 'recycling'")
        #expect(throws: DatabaseError.self) { try cursor.fetchOne() }
        let wide = "SELECT $1::int8, $2::text, $3::float8"
        try cursor.execute(BoundStatement(sql: wide, parameters: [.int(5), .string("five"), .double(5.5)]))
        #expect(try cursor.fetchOne()?.values == [.int(5), .string("five"), .double(5.5)])
        for index in 6...7 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(Int64(index)), .string("row \(index)")]))
            #expect(try cursor.fetchOne()?.values == [.int(Int64(index)), .string("row \(index)")])
            #expect(try cursor.fetchOne() == nil)
        }
        #expect(held.values == [.int(2), .null])
    }

    @Test("text decodes as String(decoding:as:): short and long, ASCII and not, ill-formed bytes repaired")
    func textDecoding() throws {
        let samples: [[UInt8]] = [
            [], Array("short".utf8), Array("exactly 15 byte".utf8), Array("sixteen bytes ok".utf8),
            Array("é and ü".utf8), Array(String(repeating: "long text é ", count: 20).utf8),
            [0x61, 0xFF, 0x62], [0xC3], Array(String(repeating: "x", count: 30).utf8) + [0xE2, 0x82],
        ]
        for bytes in samples {
            let expected = String(decoding: bytes, as: UTF8.self)
            let decoded = try bytes.withUnsafeBytes { try PQColumnDecoder.text.decodeBinary($0) }
            #expect(decoded == .string(expected), "\(bytes)")
            let json = try bytes.withUnsafeBytes { try PQColumnDecoder.json.decodeBinary($0) }
            #expect(json == .json(expected), "\(bytes)")
        }
    }
}
