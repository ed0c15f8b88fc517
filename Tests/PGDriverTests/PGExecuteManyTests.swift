import DBCore
import Foundation
import PGDriver
import Testing

@Suite("PostgreSQL executeMany (pipeline mode)")
struct PGExecuteManyTests {
    @Test("inserts every set (more than one pipeline window) and totals rowCount")
    func insertsAll() throws {
        let connection = try TestDatabase.connect(autocommit: false)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("many_all")
        try connection.run("CREATE TABLE \(table) (id int8 PRIMARY KEY, name text, ts timestamp)")
        try connection.commit()
        let cursor = try connection.makeCursor()
        let stamp = SQLTimestamp(nanosecondsSince1970: 1_700_000_000_000_000_000)
        let sets: [[SQLValue]] = (0..<5000).map { [.int(Int64($0)), .string("n\($0)"), .timestamp(stamp)] }
        try cursor.executeMany("INSERT INTO \(table) VALUES ($1, $2, $3)", parameterSets: sets)
        #expect(cursor.rowCount == 5000)
        try cursor.executeMany(
            "UPDATE \(table) SET name = $2 WHERE id < $1",
            parameterSets: [[.int(10), .string("a")], [.int(20), .string("b")]])
        #expect(cursor.rowCount == 30)
        try connection.commit()
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(5000))
        #expect(try connection.scalar("SELECT sum(id) FROM \(table)") == .decimal(SQLDecimal("12497500")!))
        try connection.run("DROP TABLE \(table)")
        try connection.commit()
    }

    @Test("a failing set reports its index; the connection stays usable; rollback removes the rows")
    func failingSet() throws {
        let connection = try TestDatabase.connect(autocommit: false)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("many_fail")
        try connection.run("CREATE TABLE \(table) (id int4 PRIMARY KEY, name text)")
        try connection.commit()
        let cursor = try connection.makeCursor()
        let sets: [[SQLValue]] = (0..<3000).map { [.int(Int64($0 == 1234 ? 5 : $0)), .string("n\($0)")] }
        let error = databaseError {
            try cursor.executeMany("INSERT INTO \(table) VALUES ($1, $2)", parameterSets: sets)
        }
        #expect(error?.kind == .uniqueViolation)
        #expect(error?.message.hasPrefix("parameter set 1234 failed") == true, "\(String(describing: error))")
        try connection.rollback()
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(0))
        // Usable again, and the same statement works with good data.
        let good: [[SQLValue]] = (0..<700).map { [.int(Int64($0)), .string("ok")] }
        try cursor.executeMany("INSERT INTO \(table) VALUES ($1, $2)", parameterSets: good)
        #expect(cursor.rowCount == 700)
        try connection.commit()
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(700))
        try connection.run("DROP TABLE \(table)")
        try connection.commit()
    }

    @Test("autocommit off: rollback removes every inserted set")
    func rollbackRemoves() throws {
        let connection = try TestDatabase.connect(autocommit: false)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("many_rb")
        try connection.run("CREATE TABLE \(table) (id int4, name text)")
        try connection.commit()
        let cursor = try connection.makeCursor()
        try cursor.executeMany("INSERT INTO \(table) VALUES (%s, %s)", (0..<2000).map { [$0, "x"] })
        #expect(cursor.rowCount == 2000)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(2000))
        try connection.rollback()
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(0))
        try connection.run("DROP TABLE \(table)")
        try connection.commit()
    }

    @Test("autocommit on: the sets run as one implicit transaction, so a failure keeps none")
    func autocommitIsAtomic() throws {
        let connection = try TestDatabase.connect(autocommit: true)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("many_ac")
        try connection.run("CREATE TABLE \(table) (id int4 CHECK (id < 900))")
        let cursor = try connection.makeCursor()
        let error = databaseError {
            try cursor.executeMany(
                "INSERT INTO \(table) VALUES ($1)", parameterSets: (0..<1000).map { [.int(Int64($0))] })
        }
        #expect(error?.kind == .checkViolation)
        #expect(error?.message.hasPrefix("parameter set 900 failed") == true)
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(0))
        try cursor.executeMany("INSERT INTO \(table) VALUES ($1)", parameterSets: (0..<800).map { [.int(Int64($0))] })
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(800))
        try connection.run("DROP TABLE \(table)")
    }

    @Test("sets whose parameter types differ are pipelined one statement each, with the failing index")
    func mixedTypes() throws {
        let connection = try TestDatabase.connect(autocommit: true)
        defer { connection.close() }
        let table = TestDatabase.uniqueName("many_mixed")
        try connection.run("CREATE TABLE \(table) (v int8 NOT NULL)")
        let cursor = try connection.makeCursor()
        var sets: [[SQLValue]] = (0..<1500).map { [.int($0 % 2 == 0 ? Int64($0) : Int64($0) << 33)] }
        try cursor.executeMany("INSERT INTO \(table) VALUES ($1)", parameterSets: sets)
        #expect(cursor.rowCount == 1500)
        sets[1001] = [.string("not a number")]
        let error = databaseError { try cursor.executeMany("INSERT INTO \(table) VALUES ($1)", parameterSets: sets) }
        #expect(error?.message.hasPrefix("parameter set 1001 failed") == true, "\(String(describing: error))")
        #expect(try connection.scalar("SELECT count(*) FROM \(table)") == .int(1500))
        try connection.run("DROP TABLE \(table)")
    }
}
