import DBCore
import Foundation
import Testing
import ThrowawayServers

@testable import PGDriver

/// The point-query path's shortcuts: parameters encoded into arrays the connection keeps from one statement to the
/// next, and a prepared statement's result reusing the previous run's column descriptions after comparing only the
/// source table columns (the server vouches for names and types). Neither may ever return stale values or columns.
@Suite("PGDriver point-query path")
struct PGPointPathTests {
    @Test("parameters of changing count, type and length on one connection each arrive as sent")
    func parametersReused() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let long = String(repeating: "long text é ", count: 40)
        let bytes: [UInt8] = [0, 1, 2, 255]
        let cases: [(String, [SQLValue])] = [
            ("SELECT $1::int8", [.int(7)]),
            ("SELECT $1::text", [.string(long)]),
            ("SELECT $1::int8", [.int(8)]),
            ("SELECT $1::text, $2::int8", [.null, .int(9)]),
            ("SELECT $1::text", [.string("")]),
            (
                "SELECT $1::bytea, $2::bool, $3::float8, $4::text",
                [.bytes(bytes), .bool(true), .double(2.5), .string("x")]
            ),
            ("SELECT $1::bytea, $2::bool, $3::float8, $4::text", [.bytes([]), .null, .double(-1), .string(long)]),
            ("SELECT 1", []),
            ("SELECT $1::text", [.string("short")]),
        ]
        for _ in 0..<2 {
            for (sql, parameters) in cases {
                try cursor.execute(BoundStatement(sql: sql, parameters: parameters))
                let row = try #require(try cursor.fetchOne())
                #expect(row.values == (parameters.isEmpty ? [.int(1)] : parameters), "\(sql)")
            }
        }
    }

    @Test("a parameter that fails to encode leaves the next statement's parameters intact")
    func failedEncodingThenNext() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute(BoundStatement(sql: "SELECT $1::text, $2::int8", parameters: [.string("a"), .int(1)]))
        #expect(throws: DatabaseError.self) {
            try cursor.execute(
                BoundStatement(sql: "SELECT $1::text, $2::int8", parameters: [.int(5), .string("b\0c")]))
        }
        try cursor.execute(BoundStatement(sql: "SELECT $1::text, $2::int8", parameters: [.string("d"), .int(2)]))
        #expect(try cursor.fetchOne()?.values == [.string("d"), .int(2)])
    }

    @Test("a statement with a large value leaves none of its bytes held by the connection; small ones reuse the arrays")
    func largeValuesAreNotKept() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute(BoundStatement(sql: "SELECT $1::text", parameters: [.string("short")]))
        let kept = connection.parameterScratch.retainedBytes
        #expect(kept > 0 && kept <= PQParameters.retainedBytesLimit)
        let blob = [UInt8](repeating: 7, count: 1 << 20)
        try cursor.execute(BoundStatement(sql: "SELECT length($1::bytea)", parameters: [.bytes(blob)]))
        #expect(try cursor.fetchOne()?.values == [.int(1 << 20)])
        #expect(connection.parameterScratch.retainedBytes == 0)
        try cursor.execute(BoundStatement(sql: "SELECT $1::text", parameters: [.string("again")]))
        #expect(try cursor.fetchOne()?.values == [.string("again")])
        #expect(connection.parameterScratch.retainedBytes > 0)
    }

    @Test("NULLs, an error in the middle and negative numerics through a prepared statement")
    func nullsAndErrorInTheMiddle() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("pointnull")
        try connection.run("CREATE TABLE \(table) (id int4 PRIMARY KEY, t text, n numeric(12,3))")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        try connection.run("INSERT INTO \(table) VALUES (1, 'one', -0.001), (2, NULL, NULL), (3, 'three', -1234.5)")
        let cursor = try connection.makeCursor()
        let sql = "SELECT t, n, 10 / (id - 4 + $2::int4) FROM \(table) WHERE id = $1"
        let expected: [Int: [SQLValue]] = [
            1: [.string("one"), .decimal(SQLDecimal("-0.001")!), .int(10 / -3)],
            2: [.null, .null, .int(10 / -2)],
            3: [.string("three"), .decimal(SQLDecimal("-1234.500")!), .int(10 / -1)],
        ]
        for id in [1, 2, 3, 2, 1, 3] {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(Int64(id)), .int(0)]))
            #expect(try cursor.fetchOne()?.values == expected[id])
            #expect(try cursor.fetchOne() == nil)
        }
        // Division by zero in the middle of the loop: the error, then the same statement works again.
        #expect(throws: DatabaseError.self) {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(3), .int(1)]))
        }
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(2), .int(0)]))
        #expect(try cursor.fetchOne()?.values == expected[2])
        #expect(cursor.columns?.map(\.name) == ["t", "n", "?column?"])
        #expect(connection.statementCacheStatistics.prepared == 1)
    }

    @Test("rowCount of result sets: SELECT from its tag, RETURNING and SHOW from theirs or the rows")
    func resultSetRowCounts() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("pointcount")
        try connection.run("CREATE TABLE \(table) (id int4)")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let cursor = try connection.makeCursor()
        let cases: [(String, [SQLValue], Int)] = [
            ("INSERT INTO \(table) SELECT g FROM generate_series(1, $1::int4) g RETURNING id", [.int(3)], 3),
            ("SELECT id FROM \(table) WHERE id <= $1", [.int(2)], 2),
            ("SELECT id FROM \(table) WHERE id > $1", [.int(5)], 0),
            ("UPDATE \(table) SET id = id + 10 WHERE id >= $1 RETURNING id", [.int(2)], 2),
            ("DELETE FROM \(table) WHERE id > $1 RETURNING id", [.int(0)], 3),
            ("SHOW server_version", [], 1),
        ]
        for (sql, parameters, expected) in cases {
            try cursor.execute(BoundStatement(sql: sql, parameters: parameters))
            #expect(cursor.rowCount == expected, "\(sql)")
            #expect(try cursor.fetchAll().count == expected, "\(sql)")
        }
    }

    @Test("a table dropped and created again under a prepared statement: the new table's columns are described")
    func tableRecreatedUnderPreparedStatement() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let other = try TestDatabase.connect()
        defer { other.close() }
        let table = TestDatabase.uniqueName("pointrecreate")
        try other.run("CREATE TABLE \(table) (id int4, name text)")
        defer { _ = try? other.run("DROP TABLE IF EXISTS \(table)") }
        try other.run("INSERT INTO \(table) VALUES (1, 'old')")
        let cursor = try connection.makeCursor()
        let sql = "SELECT id, name FROM \(table) WHERE id = $1"
        func tableID() throws -> Int? {
            guard case .int(let id) = try other.scalar("SELECT '\(table)'::regclass::oid::int8") else { return nil }
            return Int(id)
        }
        let oldID = try tableID()
        for _ in 0..<2 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(1)]))
            #expect(cursor.columns?.map(\.sourceTableID) == [oldID, oldID])
            #expect(try cursor.fetchOne()?.values == [.int(1), .string("old")])
        }
        // Another session: the same columns in a new table, so the statement is planned again without an error.
        try other.run("DROP TABLE \(table)")
        try other.run("CREATE TABLE \(table) (id int4, name text)")
        try other.run("INSERT INTO \(table) VALUES (1, 'new')")
        let newID = try tableID()
        #expect(newID != oldID)
        for _ in 0..<2 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(1)]))
            #expect(cursor.columns?.map(\.sourceTableID) == [newID, newID])
            #expect(cursor.columns?.map(\.sourceColumnNumber) == [1, 2])
            #expect(try cursor.fetchOne()?.values == [.int(1), .string("new")])
        }
    }

    @Test("a column retyped under a prepared statement by another session decodes with its new type")
    func columnRetypedUnderPreparedStatement() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let other = try TestDatabase.connect()
        defer { other.close() }
        let table = TestDatabase.uniqueName("pointretype")
        try other.run("CREATE TABLE \(table) (id int4, v int4)")
        defer { _ = try? other.run("DROP TABLE IF EXISTS \(table)") }
        try other.run("INSERT INTO \(table) VALUES (1, 42)")
        let cursor = try connection.makeCursor()
        let sql = "SELECT v FROM \(table) WHERE id = $1"
        for _ in 0..<2 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(1)]))
            #expect(try cursor.fetchOne()?.values == [.int(42)])
        }
        try other.run("ALTER TABLE \(table) ALTER COLUMN v TYPE text")
        for _ in 0..<2 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(1)]))
            #expect(cursor.columns?.first?.nativeTypeName == "text")
            #expect(try cursor.fetchOne()?.values == [.string("42")])
        }
    }
}
