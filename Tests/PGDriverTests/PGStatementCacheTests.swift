import DBCore
import Foundation
import PGDriver
import ThrowawayServers
import Testing

/// The automatic prepared-statement cache, over the wire: when statements are prepared, and every way a prepared
/// statement is invalidated. Each test checks results (a stale statement would fail or return the old shape) and
/// the server's own list of prepared statements (`pg_prepared_statements`).
@Suite("PGDriver statement cache")
struct PGStatementCacheTests {
    /// A connection with cache options (`prepare_threshold`, `prepared_max`).
    private func connect(_ options: [String: String], autocommit: Bool = true) throws -> PGConnection {
        var configuration = try TestDatabase.server().configuration(tls: nil)
        configuration.options.merge(options) { $1 }
        let connection = try PGDriver.connect(configuration)
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }

    /// The texts of the statements the driver prepared on this session.
    private func serverStatements(_ connection: PGConnection) throws -> [String] {
        try connection.run("SELECT name, statement FROM pg_prepared_statements WHERE NOT from_sql ORDER BY name")
            .map { row in
                #expect(try row.get(String.self, at: 0).hasPrefix("_pgdriver_"))
                return try row.get(String.self, at: 1)
            }
    }

    /// A table with rows (1, 'one'), (2, 'two').
    private func makeTable(_ connection: PGConnection, _ prefix: String) throws -> String {
        let table = TestDatabase.uniqueName(prefix)
        try connection.run("CREATE TABLE \(table) (id int4 PRIMARY KEY, name text)")
        try connection.run("INSERT INTO \(table) VALUES (1, 'one'), (2, 'two')")
        return table
    }

    /// The row with `id`, as an array of values.
    private func row(_ connection: PGConnection, _ sql: String, _ id: Int) throws -> [SQLValue] {
        let cursor = try connection.makeCursor()
        defer { cursor.close() }
        try cursor.execute(sql, [id])
        let rows = try cursor.fetchAll()
        guard rows.count == 1 else { throw DatabaseError.misuse("expected one row, got \(rows.count)") }
        return rows[0].values
    }

    @Test("by default a statement runs 5 times unprepared, is prepared at the 6th run and then run by name")
    func defaultThreshold() throws {
        let connection = try connect([:])
        defer { connection.close() }
        let table = try makeTable(connection, "sc_default")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let sql = "SELECT id, name FROM \(table) WHERE id = %s"
        for run in 1...5 {
            #expect(try row(connection, sql, 1 + run % 2) == [.int(Int64(1 + run % 2)), .string(run % 2 == 0 ? "one" : "two")])
        }
        #expect(try serverStatements(connection).isEmpty)
        #expect(connection.statementCacheStatistics == StatementCacheStatistics(misses: 5))
        for _ in 1...3 { #expect(try row(connection, sql, 2) == [.int(2), .string("two")]) }
        #expect(try serverStatements(connection) == ["SELECT id, name FROM \(table) WHERE id = $1"])
        #expect(connection.statementCacheStatistics == StatementCacheStatistics(hits: 2, misses: 6, prepared: 1, cached: 1))
    }

    @Test("threshold 0 prepares at once; 'none' never prepares; statements without parameters are never prepared")
    func thresholdSettings() throws {
        let eager = try connect(["prepare_threshold": "0"])
        defer { eager.close() }
        #expect(eager.prepareThreshold == 0)
        #expect(try eager.scalar("SELECT %s::int + 1", [41]) == .int(42))
        #expect(try serverStatements(eager) == ["SELECT $1::int + 1"])
        for _ in 0..<3 { _ = try eager.scalar("SELECT 7") }
        #expect(eager.statementCacheStatistics.prepared == 1)

        let never = try connect(["prepare_threshold": "none"])
        defer { never.close() }
        #expect(never.prepareThreshold == nil)
        for i in 0..<10 { #expect(try never.scalar("SELECT %s::int + 1", [i]) == .int(Int64(i + 1))) }
        #expect(try serverStatements(never).isEmpty)
        #expect(never.statementCacheStatistics == StatementCacheStatistics())

        // Switching it off at run time drops what was prepared.
        eager.prepareThreshold = nil
        #expect(try eager.scalar("SELECT %s::int + 1", [1]) == .int(2))
        #expect(try serverStatements(eager).isEmpty)
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
        #expect(try StatementCacheSettings(options: parsed.options) == StatementCacheSettings(threshold: 0, capacity: 9))
    }

    @Test("the same text with other parameter types is another statement")
    func parameterTypes() throws {
        let connection = try connect(["prepare_threshold": "0"])
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
        let connection = try connect(["prepare_threshold": "0"])
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
        let connection = try connect(["prepare_threshold": "0", "prepared_max": "2"])
        defer { connection.close() }
        let texts = (1...3).map { "SELECT %s::int * \($0)" }
        for (index, text) in texts.enumerated() {
            #expect(try connection.scalar(text, [10]) == .int(Int64(10 * (index + 1))))
        }
        #expect(connection.statementCacheStatistics.evictions == 1)
        // The evicted one ("* 1") was deallocated before the statement that lists them.
        #expect(Set(try serverStatements(connection)) == ["SELECT $1::int * 2", "SELECT $1::int * 3"])
        #expect(try connection.scalar(texts[0], [7]) == .int(7))  // prepared again, evicting "* 2"
        #expect(Set(try serverStatements(connection)) == ["SELECT $1::int * 1", "SELECT $1::int * 3"])
        #expect(connection.statementCacheStatistics.prepared == 4)
    }

    @Test("a pool reset (DISCARD ALL) forgets the prepared statements; the next transaction prepares afresh")
    func sessionReset() throws {
        let connection = try connect(["prepare_threshold": "0"])
        defer { connection.close() }
        let table = try makeTable(connection, "sc_reset")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let sql = "SELECT id, name FROM \(table) WHERE id = %s"
        _ = try row(connection, sql, 1)
        _ = try row(connection, sql, 1)
        #expect(connection.statementCacheStatistics.hits == 1)
        try connection.resetSession()  // autocommit is off afterwards: a stale name would abort the transaction
        #expect(try row(connection, sql, 2) == [.int(2), .string("two")])
        #expect(try row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.commit()
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2 && statistics.invalidations == 1 && statistics.hits == 2)
        #expect(try serverStatements(connection).count == 1)
    }

    @Test("DEALLOCATE ALL and DISCARD ALL by the caller are noticed, inside a transaction too")
    func callerDeallocates() throws {
        let connection = try connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        #expect(try connection.scalar("SELECT %s::int", [1]) == .int(1))
        try connection.run("DEALLOCATE ALL")
        #expect(try connection.scalar("SELECT %s::int", [2]) == .int(2))  // the same transaction goes on
        try connection.commit()
        try connection.setAutocommit(true)
        try connection.run("DISCARD ALL")
        #expect(try connection.scalar("SELECT %s::int", [3]) == .int(3))
        #expect(connection.statementCacheStatistics.prepared == 3)
        #expect(try serverStatements(connection) == ["SELECT $1::int"])
    }

    @Test("another session changes a result type: retried once after preparing again (autocommit on)")
    func resultTypeChangedAutocommit() throws {
        let connection = try connect(["prepare_threshold": "0"])
        defer { connection.close() }
        let other = try TestDatabase.connect()
        defer { other.close() }
        let table = try makeTable(other, "sc_retype")
        defer { _ = try? other.run("DROP TABLE \(table)") }
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try row(connection, sql, 1) == [.int(1), .string("one")])
        try other.run("ALTER TABLE \(table) ADD COLUMN extra int DEFAULT 7")
        #expect(try row(connection, sql, 1) == [.int(1), .string("one"), .int(7)])
        #expect(try row(connection, sql, 2) == [.int(2), .string("two"), .int(7)])
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2 && statistics.invalidations == 1 && statistics.hits == 2)
        #expect(try serverStatements(connection).count == 1)  // the stale one was deallocated
    }

    @Test("another session changes a result type inside a transaction: the error stands, then it is prepared afresh")
    func resultTypeChangedInTransaction() throws {
        let connection = try connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        let other = try TestDatabase.connect()
        defer { other.close() }
        let table = try makeTable(other, "sc_retype_tx")
        defer { _ = try? other.run("DROP TABLE \(table)") }
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.commit()
        try other.run("ALTER TABLE \(table) ADD COLUMN extra int DEFAULT 7")
        let error = databaseError { _ = try row(connection, sql, 1) }
        #expect(error?.code == .sqlState("0A000"))
        try connection.rollback()
        #expect(try row(connection, sql, 1) == [.int(1), .string("one"), .int(7)])
        try connection.commit()
        #expect(try serverStatements(connection).count == 1)
    }

    @Test("ALTER or DROP on the same connection drops the prepared statements before they go stale")
    func localSchemaChange() throws {
        let connection = try connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        let table = try makeTable(connection, "sc_alter")
        try connection.commit()
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.run("ALTER TABLE \(table) ADD COLUMN extra text DEFAULT 'x'")
        #expect(try row(connection, sql, 1) == [.int(1), .string("one"), .string("x")])
        try connection.commit()
        try connection.run("DROP TABLE \(table)")
        try connection.run("CREATE TABLE \(table) (id int4, flag bool)")
        try connection.run("INSERT INTO \(table) VALUES (1, true)")
        #expect(try row(connection, sql, 1) == [.int(1), .bool(true)])
        try connection.commit()
        #expect(try serverStatements(connection).count == 1)
    }

    @Test("a statement prepared in a rolled-back transaction is dropped; one prepared in a committed one is kept")
    func rolledBackTransaction() throws {
        let connection = try connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("sc_rollback")
        try connection.run("CREATE TABLE \(table) (id int4, name text)")
        try connection.run("INSERT INTO \(table) VALUES (1, 'one')")
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.rollback()  // the table never existed
        try connection.run("CREATE TABLE \(table) (id int4, amount float8, note text)")
        try connection.run("INSERT INTO \(table) VALUES (1, 2.5, 'n')")
        #expect(try row(connection, sql, 1) == [.int(1), .double(2.5), .string("n")])
        try connection.commit()
        #expect(try row(connection, sql, 1) == [.int(1), .double(2.5), .string("n")])
        try connection.commit()
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2 && statistics.hits == 1 && statistics.invalidations == 1)
        #expect(try serverStatements(connection) == ["SELECT * FROM \(table) WHERE id = $1"])
        try connection.run("DROP TABLE \(table)")
        try connection.commit()
    }

    @Test("preparing in an aborted transaction fails as the statement would and leaves nothing behind")
    func abortedTransaction() throws {
        let connection = try connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        #expect(databaseError { try connection.run("SELECT 1 / 0") }?.kind != nil)
        let aborted = databaseError { _ = try connection.scalar("SELECT %s::int", [1]) }
        #expect(aborted?.code == .sqlState("25P02"))
        #expect(connection.statementCacheStatistics.prepared == 0)
        try connection.rollback()
        #expect(try connection.scalar("SELECT %s::int", [2]) == .int(2))
        #expect(try connection.scalar("SELECT %s::int", [3]) == .int(3))
        try connection.commit()
        #expect(connection.statementCacheStatistics.hits == 1)
        #expect(try serverStatements(connection) == ["SELECT $1::int"])
    }

    @Test("an aborted executeMany pipeline leaves the prepared statements usable")
    func abortedPipeline() throws {
        let connection = try connect(["prepare_threshold": "0"])
        defer { connection.close() }
        let table = try makeTable(connection, "sc_pipeline")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let sql = "SELECT id, name FROM \(table) WHERE id = %s"
        _ = try row(connection, sql, 1)
        let cursor = try connection.makeCursor()
        let sets: [[SQLValue]] = [[.int(3), .string("three")], [.int(1), .string("dup")], [.int(4), .string("four")]]
        let error = databaseError { try cursor.executeMany("INSERT INTO \(table) VALUES ($1, $2)", parameterSets: sets) }
        #expect(error?.kind == .uniqueViolation)
        #expect(try row(connection, sql, 2) == [.int(2), .string("two")])
        #expect(connection.statementCacheStatistics.hits == 1)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(2))  // the pipeline rolled back
    }

    @Test("a new connection starts empty and prepares for itself; streamed results run prepared statements too")
    func reconnectAndStreaming() throws {
        let first = try connect(["prepare_threshold": "0"])
        let table = try makeTable(first, "sc_reconnect")
        defer { _ = try? first.run("DROP TABLE \(table)") }
        defer { first.close() }
        let sql = "SELECT id, name FROM \(table) WHERE id >= %s ORDER BY id"
        _ = try first.run("SELECT 1")
        _ = try row(first, "SELECT id, name FROM \(table) WHERE id = %s", 1)
        let second = try connect(["prepare_threshold": "0"])
        defer { second.close() }
        #expect(second.statementCacheStatistics == StatementCacheStatistics())
        let cursor = try second.makeCursor(streamsResults: true)
        for _ in 0..<2 {
            try cursor.execute(sql, [1])
            #expect(try cursor.fetchAll().map(\.values) == [[.int(1), .string("one")], [.int(2), .string("two")]])
        }
        #expect(second.statementCacheStatistics.hits == 1)
        #expect(try serverStatements(second) == [sql.replacingOccurrences(of: "%s", with: "$1")])
    }
}
