import DBCore
import Foundation
import PGDriver
import Testing

/// The statement cache remembers the statement it ran last by name, so a loop of the same query skips the look-up.
/// These tests check that the shortcut never outlives what it stands for: an eviction, `DISCARD ALL`, a rollback.
@Suite("PGDriver statement cache: the same statement again and again")
struct PGStatementCacheRepeatTests {
    @Test("a statement run again and again is a hit each time, and prepared again once evicted")
    func repeatThenEvict() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0", "prepared_max": "2"])
        defer { connection.close() }
        let texts = (1...3).map { "SELECT %s::int * \($0)" }
        for value in 1...4 { #expect(try connection.scalar(texts[0], [value]) == .int(Int64(value))) }
        #expect(
            connection.statementCacheStatistics == StatementCacheStatistics(hits: 3, misses: 1, prepared: 1, cached: 1))
        #expect(try connection.scalar(texts[1], [5]) == .int(10))
        #expect(try connection.scalar(texts[2], [5]) == .int(15))  // evicts "* 1"
        #expect(connection.statementCacheStatistics.evictions == 1)
        // "* 1" again: prepared afresh (a miss), not run under the name the server has dropped.
        #expect(try connection.scalar(texts[0], [6]) == .int(6))
        #expect(try connection.scalar(texts[0], [7]) == .int(7))
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 4)
        #expect(statistics.misses == 4)
        #expect(statistics.hits == 4)
        #expect(Set(try CacheTests.serverStatements(connection)) == ["SELECT $1::int * 1", "SELECT $1::int * 3"])
    }

    @Test("after DISCARD ALL the statement run last is prepared again, not run by its dropped name")
    func repeatThenDiscard() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let sql = "SELECT %s::int + 100"
        for value in 1...3 { #expect(try connection.scalar(sql, [value]) == .int(Int64(100 + value))) }
        try connection.run("DISCARD ALL")
        #expect(try connection.scalar(sql, [4]) == .int(104))
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2)
        #expect(statistics.hits == 2)
        #expect(statistics.invalidations == 1)
        #expect(try CacheTests.serverStatements(connection) == ["SELECT $1::int + 100"])
    }

    @Test("a statement prepared in a rolled-back transaction is prepared again after it, even when run last")
    func repeatThenRollback() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        let sql = "SELECT %s::int - 1"
        for value in 1...2 { #expect(try connection.scalar(sql, [value]) == .int(Int64(value - 1))) }
        try connection.rollback()
        #expect(try connection.scalar(sql, [10]) == .int(9))
        try connection.commit()
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2)
        #expect(statistics.hits == 1)
        #expect(try CacheTests.serverStatements(connection) == ["SELECT $1::int - 1"])
    }
}
