import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

/// Helpers the statement cache suites share.
enum CacheTests {
    /// A connection with cache options (`prepare_threshold`, `prepared_max`).
    static func connect(_ options: [String: String], autocommit: Bool = true) throws -> PGConnection {
        var configuration = try TestDatabase.server().configuration(tls: nil)
        configuration.options.merge(options) { $1 }
        let connection = try PGDriver.connect(configuration)
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }

    /// A connection whose cache prepares every statement with parameters at its first run (`prepare_threshold`
    /// 0), autocommit on: the prepared path from the start.
    static func preparingAtOnce() throws -> PGConnection {
        try connect(["prepare_threshold": "0"])
    }

    /// The texts of the statements the driver prepared on this session.
    static func serverStatements(_ connection: PGConnection) throws -> [String] {
        try connection.run("SELECT name, statement FROM pg_prepared_statements WHERE NOT from_sql ORDER BY name")
            .map { row in
                #expect(try row.get(String.self, at: 0).hasPrefix("_pgdriver_"))
                return try row.get(String.self, at: 1)
            }
    }

    /// A table with rows (1, 'one'), (2, 'two').
    static func makeTable(_ connection: PGConnection, _ prefix: String) throws -> String {
        let table = TestDatabase.uniqueName(prefix)
        try connection.run("CREATE TABLE \(table) (id int4 PRIMARY KEY, name text)")
        try connection.run("INSERT INTO \(table) VALUES (1, 'one'), (2, 'two')")
        return table
    }

    /// The row with `id`, as an array of values.
    static func row(_ connection: PGConnection, _ sql: String, _ id: Int) throws -> [SQLValue] {
        let cursor = try connection.makeCursor()
        defer { cursor.close() }
        try cursor.execute(sql, [id])
        let rows = try cursor.fetchAll()
        guard rows.count == 1 else { throw DatabaseError.misuse("expected one row, got \(rows.count)") }
        return rows[0].values
    }

}
