import DBCore
import Foundation
import Testing
import ThrowawayServers

@testable import PGDriver

/// What a cursor keeps from one run of a prepared statement to the next (its result set's columns, whether it is a
/// SELECT) must never show through: a failed run shows no columns, and every run counts its own rows.
@Suite("PGDriver repeated prepared statements")
struct PGRepeatPathTests {
    @Test("each run of a repeated prepared statement counts its own rows, also between other statements")
    func rowCountsOfRepeatedRuns() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("repeatcount")
        try connection.run("CREATE TABLE \(table) (id int4)")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let cursor = try connection.makeCursor()
        let insert = "INSERT INTO \(table) SELECT g FROM generate_series($1::int4, $2::int4) g RETURNING id"
        let select = "SELECT id FROM \(table) WHERE id <= $1 ORDER BY id"
        let runs: [(String, [SQLValue], Int)] = [
            (insert, [.int(1), .int(3)], 3),
            (select, [.int(2)], 2),
            (select, [.int(0)], 0),
            (select, [.int(3)], 3),
            (insert, [.int(4), .int(4)], 1),
            (insert, [.int(5), .int(6)], 2),
            (select, [.int(1)], 1),
            (select, [.int(9)], 6),
            ("SHOW server_version", [], 1),
            (select, [.int(-1)], 0),
        ]
        for (sql, parameters, expected) in runs {
            try cursor.execute(BoundStatement(sql: sql, parameters: parameters))
            #expect(cursor.rowCount == expected, "\(sql) \(parameters)")
            #expect(try cursor.fetchAll().count == expected, "\(sql) \(parameters)")
        }
        #expect(connection.statementCacheStatistics.prepared == 2)
    }

    @Test("a failed run after repeated runs shows no columns and no rows; the next run describes its own")
    func failedRunClearsTheColumns() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let sql = "SELECT $1::int4 AS id, 10 / $2::int4 AS tenth"
        for id in 1...3 {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(Int64(id)), .int(5)]))
            #expect(cursor.columns?.map(\.name) == ["id", "tenth"])
            #expect(try cursor.fetchOne()?.values == [.int(Int64(id)), .int(2)])
        }
        #expect(throws: DatabaseError.self) {
            try cursor.execute(BoundStatement(sql: sql, parameters: [.int(4), .int(0)]))
        }
        #expect(cursor.columns == nil)
        #expect(cursor.rowCount == -1)
        #expect(throws: DatabaseError.self) { try cursor.fetchOne() }
        try cursor.execute(BoundStatement(sql: sql, parameters: [.int(5), .int(1)]))
        #expect(cursor.columns?.map(\.name) == ["id", "tenth"])
        #expect(cursor.rowCount == 1)
        #expect(try cursor.fetchOne()?.values == [.int(5), .int(10)])
        #expect(try cursor.fetchOne() == nil)
    }

    @Test("a repeated command with parameters: each run counts its own rows and shows no columns; hits counted")
    func repeatedCommand() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("repeatcommand")
        try connection.run("CREATE TABLE \(table) (id int4)")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let cursor = try connection.makeCursor()
        let insert = "INSERT INTO \(table) VALUES ($1)"
        let update = "UPDATE \(table) SET id = id + 100 WHERE id <= $1"
        let before = connection.statementCacheStatistics.hits
        for id in 1...4 {
            try cursor.execute(BoundStatement(sql: insert, parameters: [.int(Int64(id))]))
            #expect(cursor.rowCount == 1)
            #expect(cursor.columns == nil)
        }
        for (limit, expected) in [(2, 2), (0, 0), (4, 2)] {
            try cursor.execute(BoundStatement(sql: update, parameters: [.int(Int64(limit))]))
            #expect(cursor.rowCount == expected, "\(limit)")
        }
        // Prepared at the first run of each (threshold 0); every later run a hit.
        #expect(connection.statementCacheStatistics.hits - before == 3 + 2)
        #expect(try connection.run("SELECT count(*) FROM \(table) WHERE id > 100").first?[0] == .int(4))
    }

    @Test("a command between repeated runs shows no columns; the repeated statement's columns come back")
    func commandBetweenRepeatedRuns() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        let sql = "SELECT $1::text AS label"
        try cursor.execute(BoundStatement(sql: sql, parameters: [.string("a")]))
        try cursor.execute(BoundStatement(sql: sql, parameters: [.string("b")]))
        #expect(try cursor.fetchOne()?.values == [.string("b")])
        try cursor.execute(BoundStatement(sql: "SET application_name = 'repeat'"))
        #expect(cursor.columns == nil)
        #expect(throws: DatabaseError.self) { try cursor.fetchOne() }
        try cursor.execute(BoundStatement(sql: sql, parameters: [.string("c")]))
        #expect(cursor.columns?.map(\.name) == ["label"])
        #expect(try cursor.fetchOne()?.values == [.string("c")])
    }
}
