import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

/// Every way a prepared statement of the automatic cache is invalidated, over the wire: a stale statement would
/// fail or return the old shape, and the server's list of prepared statements shows what was deallocated.
@Suite("PGDriver statement cache invalidation")
struct PGStatementCacheInvalidationTests {
    @Test("a pool reset (DISCARD ALL) forgets the prepared statements; the next transaction prepares afresh")
    func sessionReset() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let table = try CacheTests.makeTable(connection, "sc_reset")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let sql = "SELECT id, name FROM \(table) WHERE id = %s"
        _ = try CacheTests.row(connection, sql, 1)
        _ = try CacheTests.row(connection, sql, 1)
        #expect(connection.statementCacheStatistics.hits == 1)
        try connection.resetSession()  // autocommit is off afterwards: a stale name would abort the transaction
        #expect(try CacheTests.row(connection, sql, 2) == [.int(2), .string("two")])
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.commit()
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2 && statistics.invalidations == 1 && statistics.hits == 2)
        #expect(try CacheTests.serverStatements(connection).count == 1)
    }

    @Test("DEALLOCATE ALL and DISCARD ALL by the caller are noticed, inside a transaction too")
    func callerDeallocates() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        #expect(try connection.scalar("SELECT %s::int", [1]) == .int(1))
        try connection.run("DEALLOCATE ALL")
        #expect(try connection.scalar("SELECT %s::int", [2]) == .int(2))  // the same transaction goes on
        try connection.commit()
        try connection.setAutocommit(true)
        try connection.run("DISCARD ALL")
        #expect(try connection.scalar("SELECT %s::int", [3]) == .int(3))
        #expect(connection.statementCacheStatistics.prepared == 3)
        #expect(try CacheTests.serverStatements(connection) == ["SELECT $1::int"])
    }

    @Test("another session changes a result type: retried once after preparing again (autocommit on)")
    func resultTypeChangedAutocommit() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let other = try TestDatabase.connect()
        defer { other.close() }
        let table = try CacheTests.makeTable(other, "sc_retype")
        defer { _ = try? other.run("DROP TABLE \(table)") }
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one")])
        try other.run("ALTER TABLE \(table) ADD COLUMN extra int DEFAULT 7")
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one"), .int(7)])
        #expect(try CacheTests.row(connection, sql, 2) == [.int(2), .string("two"), .int(7)])
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2 && statistics.invalidations == 1 && statistics.hits == 2)
        #expect(try CacheTests.serverStatements(connection).count == 1)  // the stale one was deallocated
    }

    @Test("another session changes a result type inside a transaction: the error stands, then it is prepared afresh")
    func resultTypeChangedInTransaction() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        let other = try TestDatabase.connect()
        defer { other.close() }
        let table = try CacheTests.makeTable(other, "sc_retype_tx")
        defer { _ = try? other.run("DROP TABLE \(table)") }
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.commit()
        try other.run("ALTER TABLE \(table) ADD COLUMN extra int DEFAULT 7")
        let error = databaseError { _ = try CacheTests.row(connection, sql, 1) }
        #expect(error?.code == .sqlState("0A000"))
        try connection.rollback()
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one"), .int(7)])
        try connection.commit()
        #expect(try CacheTests.serverStatements(connection).count == 1)
    }

    @Test("ALTER or DROP on the same connection drops the prepared statements before they go stale")
    func localSchemaChange() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        let table = try CacheTests.makeTable(connection, "sc_alter")
        try connection.commit()
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.run("ALTER TABLE \(table) ADD COLUMN extra text DEFAULT 'x'")
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one"), .string("x")])
        try connection.commit()
        try connection.run("DROP TABLE \(table)")
        try connection.run("CREATE TABLE \(table) (id int4, flag bool)")
        try connection.run("INSERT INTO \(table) VALUES (1, true)")
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .bool(true)])
        try connection.commit()
        #expect(try CacheTests.serverStatements(connection).count == 1)
    }

    @Test("a statement prepared in a rolled-back transaction is dropped; one prepared in a committed one is kept")
    func rolledBackTransaction() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0"], autocommit: false)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("sc_rollback")
        try connection.run("CREATE TABLE \(table) (id int4, name text)")
        try connection.run("INSERT INTO \(table) VALUES (1, 'one')")
        let sql = "SELECT * FROM \(table) WHERE id = %s"
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .string("one")])
        try connection.rollback()  // the table never existed
        try connection.run("CREATE TABLE \(table) (id int4, amount float8, note text)")
        try connection.run("INSERT INTO \(table) VALUES (1, 2.5, 'n')")
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .double(2.5), .string("n")])
        try connection.commit()
        #expect(try CacheTests.row(connection, sql, 1) == [.int(1), .double(2.5), .string("n")])
        try connection.commit()
        let statistics = connection.statementCacheStatistics
        #expect(statistics.prepared == 2 && statistics.hits == 1 && statistics.invalidations == 1)
        #expect(try CacheTests.serverStatements(connection) == ["SELECT * FROM \(table) WHERE id = $1"])
        try connection.run("DROP TABLE \(table)")
        try connection.commit()
    }

    @Test("preparing in an aborted transaction fails as the statement would and leaves nothing behind")
    func abortedTransaction() throws {
        let connection = try CacheTests.connect(["prepare_threshold": "0"], autocommit: false)
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
        #expect(try CacheTests.serverStatements(connection) == ["SELECT $1::int"])
    }

    @Test("an aborted executeMany pipeline leaves the prepared statements usable")
    func abortedPipeline() throws {
        let connection = try CacheTests.preparingAtOnce()
        defer { connection.close() }
        let table = try CacheTests.makeTable(connection, "sc_pipeline")
        defer { _ = try? connection.run("DROP TABLE \(table)") }
        let sql = "SELECT id, name FROM \(table) WHERE id = %s"
        _ = try CacheTests.row(connection, sql, 1)
        let cursor = try connection.makeCursor()
        let sets: [[SQLValue]] = [
            [.int(3), .string("three")], [.int(1), .string("dup")], [.int(4), .string("four")],
        ]
        let error = databaseError {
            try cursor.executeMany("INSERT INTO \(table) VALUES ($1, $2)", parameterSets: sets)
        }
        #expect(error?.kind == .uniqueViolation)
        #expect(try CacheTests.row(connection, sql, 2) == [.int(2), .string("two")])
        #expect(connection.statementCacheStatistics.hits == 1)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(2))  // the pipeline rolled back
    }
}
