import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

/// The automatic prepared-statement cache, over the wire: when statements are prepared, what counts as the same
/// statement, and eviction. Each test checks results and the server's own list of prepared statements
/// (`pg_prepared_statements`).
@Suite("PGDriver statement cache")
struct PGStatementCacheTests {
    @Test("by default a statement runs 5 times unprepared, is prepared at the 6th run and then run by name")
    func defaultThreshold() throws {
        let connection = try CacheTests.connect([:])
        defer { connection.close() }
        let table = try CacheTests.makeTable(connection, "sc_default")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let sql = "SELECT id, name FROM \(table) WHERE id = %s"
        for run in 1...5 {
            #expect(
                try CacheTests.row(connection, sql, 1 + run % 2) == [
                    .int(Int64(1 + run % 2)), .string(run % 2 == 0 ? "one" : "two"),
                ])
        }
        #expect(try CacheTests.serverStatements(connection).isEmpty)
        #expect(connection.statementCacheStatistics == StatementCacheStatistics(misses: 5))
        for _ in 1...3 { #expect(try CacheTests.row(connection, sql, 2) == [.int(2), .string("two")]) }
        #expect(try CacheTests.serverStatements(connection) == ["SELECT id, name FROM \(table) WHERE id = $1"])
        #expect(
            connection.statementCacheStatistics == StatementCacheStatistics(hits: 2, misses: 6, prepared: 1, cached: 1))
    }

    @Test("threshold 0 prepares at once; 'none' never prepares; statements without parameters are never prepared")
    func thresholdSettings() throws {
        let eager = try CacheTests.preparingAtOnce()
        defer { eager.close() }
        #expect(eager.prepareThreshold == 0)
        #expect(try eager.scalar("SELECT %s::int + 1", [41]) == .int(42))
        #expect(try CacheTests.serverStatements(eager) == ["SELECT $1::int + 1"])
        for _ in 0..<3 { _ = try eager.scalar("SELECT 7") }
        #expect(eager.statementCacheStatistics.prepared == 1)

        let never = try CacheTests.connect(["prepare_threshold": "none"])
        defer { never.close() }
        #expect(never.prepareThreshold == nil)
        for i in 0..<10 { #expect(try never.scalar("SELECT %s::int + 1", [i]) == .int(Int64(i + 1))) }
        #expect(try CacheTests.serverStatements(never).isEmpty)
        #expect(never.statementCacheStatistics == StatementCacheStatistics())

        // Switching it off at run time drops what was prepared.
        eager.prepareThreshold = nil
        #expect(try eager.scalar("SELECT %s::int + 1", [1]) == .int(2))
        #expect(try CacheTests.serverStatements(eager).isEmpty)
    }

    @Test("the settings come from a URL's options, are not passed to libpq, and a bad value fails the connect")
    func settingsFromURL() throws {
        let base = try TestDatabase.server().configuration(tls: nil)
        var configuration = base
        configuration.options = ["prepare_threshold": "2", "prepared_max": "3"]
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        #expect(connection.prepareThreshold == 2)
        configuration.options = ["prepare_threshold": "sometimes"]
        let error = databaseError { _ = try PGDriver.connect(configuration) }
        #expect(error?.kind == .invalidConfiguration)
        let parsed = try ConnectionConfiguration(url: "postgresql://u@localhost/db?prepare_threshold=0&prepared_max=9")
        #expect(
            try StatementCacheSettings(options: parsed.options) == StatementCacheSettings(threshold: 0, capacity: 9))
    }

    @Test("the same text with other parameter types is another statement")
    func parameterTypes() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        #expect(try connection.scalar("SELECT %s::text", [5]) == .string("5"))
        #expect(try connection.scalar("SELECT %s::text", [5_000_000_000]) == .string("5000000000"))
        #expect(try connection.scalar("SELECT %s::text", ["five"]) == .string("five"))
        #expect(try connection.scalar("SELECT %s::text", [5]) == .string("5"))
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 3 && statistics.hits == 1 && statistics.cached == 3)
    }

    @Test("texts Swift calls equal (canonical equivalence) but whose bytes differ are different statements")
    func byteExactTexts() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let composed = "SELECT '\u{e9}' || %s"
        let decomposed = "SELECT 'e\u{301}' || %s"
        #expect(composed == decomposed)
        let first = try connection.scalar(composed, ["!"])
        let second = try connection.scalar(decomposed, ["!"])
        guard case .string(let one) = first, case .string(let other) = second else {
            Issue.record("expected strings, got \(first) and \(second)")
            return
        }
        #expect(Array(one.utf8) == Array("\u{e9}!".utf8))
        #expect(Array(other.utf8) == Array("e\u{301}!".utf8))
        #expect(connection.statementCacheStatistics.prepared == 2)
    }

    @Test("a full cache evicts the least recently used statement and deallocates it on the server")
    func eviction() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0", "prepared_max": "2"])
        defer { connection.close() }
        let texts = (1...3).map { "SELECT %s::int * \($0)" }
        for (index, text) in texts.enumerated() {
            #expect(try connection.scalar(text, [10]) == .int(Int64(10 * (index + 1))))
        }
        #expect(connection.statementCacheStatistics.evictions == 1)
        // The evicted one ("* 1") was deallocated before the statement that lists them.
        #expect(Set(try CacheTests.serverStatements(connection)) == ["SELECT $1::int * 2", "SELECT $1::int * 3"])
        #expect(try connection.scalar(texts[0], [7]) == .int(7))  // prepared again, evicting "* 2"
        #expect(Set(try CacheTests.serverStatements(connection)) == ["SELECT $1::int * 1", "SELECT $1::int * 3"])
        #expect(connection.statementCacheStatistics.prepared == 4)
    }

    @Test("a new connection starts empty and prepares for itself; streamed results run prepared statements too")
    func reconnectAndStreaming() throws {
        let first = try CacheTests.preparingAtOnce()
        let table = try CacheTests.makeTable(first, "sc_reconnect")
        defer { _ = try? first.run("DROP TABLE \(table)") }
        defer { first.close() }
        let sql = "SELECT id, name FROM \(table) WHERE id >= %s ORDER BY id"
        _ = try first.run("SELECT 1")
        _ = try CacheTests.row(first, "SELECT id, name FROM \(table) WHERE id = %s", 1)
        let second = try CacheTests.preparingAtOnce()
        defer { second.close() }
        #expect(second.statementCacheStatistics == StatementCacheStatistics())
        let cursor = try second.makeCursor(streamsResults: true)
        for _ in 0..<2 {
            try cursor.execute(sql, [1])
            #expect(try cursor.fetchAll().map(\.values) == [[.int(1), .string("one")], [.int(2), .string("two")]])
        }
        #expect(second.statementCacheStatistics.hits == 1)
        #expect(try CacheTests.serverStatements(second) == [sql.replacingOccurrences(of: "%s", with: "$1")])
    }
}
