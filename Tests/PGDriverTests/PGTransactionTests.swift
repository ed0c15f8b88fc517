import DBCore
import Foundation
import PGDriver
import Testing

@Suite("PGDriver transactions")
struct PGTransactionTests {
    private func makeTable(_ connection: PGConnection) throws -> String {
        let table = TestDatabase.uniqueName("tx")
        try connection.run("CREATE TABLE \(table) (id int PRIMARY KEY)")
        return table
    }

    private func count(_ connection: PGConnection, _ table: String) throws -> SQLValue {
        try connection.scalar("SELECT count(*) FROM \(table)")
    }

    @Test("autocommit off: another connection sees rows only after commit; rollback discards")
    func commitAndRollback() throws {
        let observer = try TestDatabase.connect()
        defer { observer.close() }
        let table = try makeTable(observer)
        let connection = try TestDatabase.connect(autocommit: false)
        defer { connection.close() }
        #expect(!connection.autocommit)
        let cursor = try connection.makeCursor()
        try cursor.execute("INSERT INTO \(table) VALUES (1)")
        #expect(try count(observer, table) == .int(0))
        try connection.commit()
        #expect(try count(observer, table) == .int(1))
        try cursor.execute("INSERT INTO \(table) VALUES (2)")
        try connection.rollback()
        #expect(try count(connection, table) == .int(1))
        try connection.commit()
        try connection.commit()  // no transaction: a no-op
        try observer.run("DROP TABLE \(table)")
    }

    @Test("autocommit on: rows are visible at once; turning it on commits the open transaction")
    func autocommit() throws {
        let observer = try TestDatabase.connect()
        defer { observer.close() }
        let table = try makeTable(observer)
        let connection = try TestDatabase.connect(autocommit: false)
        defer { connection.close() }
        try connection.run("INSERT INTO \(table) VALUES (1)")
        #expect(try count(observer, table) == .int(0))
        try connection.setAutocommit(true)
        #expect(connection.autocommit)
        #expect(try count(observer, table) == .int(1))
        try connection.run("INSERT INTO \(table) VALUES (2)")
        #expect(try count(observer, table) == .int(2))
        try observer.run("DROP TABLE \(table)")
    }

    @Test("withTransaction commits on return and rolls back on throw")
    func withTransaction() throws {
        let observer = try TestDatabase.connect()
        defer { observer.close() }
        let table = try makeTable(observer)
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        _ = try connection.withTransaction { connection in
            try connection.run("INSERT INTO \(table) VALUES (1)")
        }
        #expect(try count(observer, table) == .int(1))
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try connection.withTransaction { connection in
                try connection.run("INSERT INTO \(table) VALUES (2)")
                throw Abort()
            }
        }
        #expect(try count(observer, table) == .int(1))
        #expect(connection.autocommit)
        try observer.run("DROP TABLE \(table)")
    }

    @Test("a failed statement aborts the transaction until rollback")
    func abortedTransaction() throws {
        let connection = try TestDatabase.connect(autocommit: false)
        defer { connection.close() }
        #expect(databaseError { try connection.run("SELECT 1/0") }?.kind == .dataException)
        #expect(databaseError { try connection.run("SELECT 1") }?.sqlState == "25P02")
        try connection.ping()
        try connection.rollback()
        #expect(try connection.scalar("SELECT 1") == .int(1))
    }
}
