import DBCore
import Foundation
import Logging
import PGDriver
import TestSupport
import Testing

/// A pooled PostgreSQL connection's automatic prepared statements across borrowers: the pool's session reset
/// (`DISCARD ALL`) drops them on the server, so the connection must forget them too.
@Suite("Pool and the PostgreSQL statement cache")
struct PoolStatementCacheTests {
    @Test("the next borrower (autocommit off, in a transaction) runs the same statement prepared afresh")
    func resetBetweenBorrowers() throws {
        var configuration = try poolingDatabase.configuration()
        configuration.options["prepare_threshold"] = "0"
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: configuration,
            settings: PoolConfiguration(maximumSize: 1, acquireTimeout: 10),
            logger: Logger(label: "pool-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { pool.close() }
        let sql = "SELECT %s::int + 1"
        func run(_ connection: PooledConnection, _ value: Int) throws -> SQLValue {
            let cursor = try connection.cursor()
            defer { cursor.close() }
            try cursor.execute(sql, [value])
            return try #require(try cursor.fetchOne())[0]
        }
        let firstPID = try pool.withConnection { connection -> Int in
            try connection.setAutocommit(true)
            #expect(try run(connection, 1) == .int(2))
            #expect(try run(connection, 2) == .int(3))
            return try connection.integer("SELECT pg_backend_pid()")
        }
        try pool.withConnection { connection in
            #expect(try connection.integer("SELECT pg_backend_pid()") == firstPID)  // the same session
            #expect(!connection.autocommit)
            #expect(try run(connection, 3) == .int(4))
            #expect(try run(connection, 4) == .int(5))
            try connection.commit()
            let statistics = try #require(connection.underlying as? PGConnection).statementCacheStatistics
            #expect(statistics.prepared == 2 && statistics.hits == 2 && statistics.invalidations == 1)
        }
    }
}
