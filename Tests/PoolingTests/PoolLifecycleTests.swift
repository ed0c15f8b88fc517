import DBCore
import Foundation
import PGDriver
import TestSupport
import Testing

@Suite("Pool lifecycle: pruning, lifetime, broken connections, session reset")
struct PoolLifecycleTests {
    @Test("idle connections are closed after the idle timeout, down to the minimum idle count")
    func idlePruning() throws {
        let pool = try PoolTestDatabase.pool(
            PoolConfiguration(maximumSize: 3, minimumIdle: 1, idleTimeout: 0.2, maximumLifetime: nil))
        defer { pool.close() }
        let held = try (0..<3).map { _ in try pool.acquire() }
        for connection in held { pool.release(connection) }
        #expect(pool.statistics.idle == 3)
        #expect(PoolTestDatabase.eventually { pool.statistics.pruned == 2 })
        let statistics = pool.statistics
        #expect(statistics.open == 1)
        #expect(statistics.idle == 1)
        #expect(statistics.discarded == 2)
        #expect(try pool.withConnection { try $0.integer("SELECT 5") } == 5)
    }

    @Test("the minimum idle count is opened in the background")
    func minimumIdleIsFilled() throws {
        let pool = try PoolTestDatabase.pool(
            PoolConfiguration(maximumSize: 4, minimumIdle: 2, idleTimeout: 60, maintenanceInterval: 0.05))
        defer { pool.close() }
        #expect(PoolTestDatabase.eventually { pool.statistics.idle == 2 })
        #expect(pool.statistics.created == 2)
    }

    @Test("connections past their maximum lifetime are closed, idle or when returned")
    func maximumLifetime() throws {
        let pool = try PoolTestDatabase.pool(
            PoolConfiguration(maximumSize: 2, idleTimeout: nil, maximumLifetime: 0.2, maintenanceInterval: 0.05))
        defer { pool.close() }
        let firstID = try pool.withConnection { $0.poolID }
        #expect(PoolTestDatabase.eventually { pool.statistics.open == 0 })
        #expect(pool.statistics.pruned == 1)
        // A connection that outlives its lifetime while lent is closed on return.
        let lent = try pool.acquire()
        #expect(lent.poolID != firstID)
        Thread.sleep(forTimeInterval: 0.3)
        pool.release(lent)
        #expect(pool.statistics.open == 0)
        #expect(pool.statistics.discarded == 2)
    }

    @Test("a connection whose backend was killed is discarded, not handed out")
    func killedBackendIsReplaced() throws {
        var settings = PoolConfiguration(maximumSize: 1, pingAfterIdle: 0)
        settings.idleTimeout = nil
        let pool = try PoolTestDatabase.pool(settings)
        defer { pool.close() }
        let pid = try pool.withConnection { try $0.integer("SELECT pg_backend_pid()") }
        let admin = try poolingDatabase.adminConnection()
        defer { admin.close() }
        #expect(try admin.rows("SELECT pg_terminate_backend(\(pid))")[0][0] == .bool(true))
        // The backend is gone once it no longer shows in pg_stat_activity.
        #expect(
            try PoolTestDatabase.eventually {
                try admin.integer("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)") == 0
            })
        let newPID = try pool.withConnection { try $0.integer("SELECT pg_backend_pid()") }
        #expect(newPID != pid)
        #expect(pool.statistics.discarded == 1)
        #expect(pool.statistics.created == 2)
    }

    @Test("session state (temp table, SET, open transaction) does not reach the next borrower")
    func sessionStateIsReset() throws {
        let pool = try PoolTestDatabase.pool(PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        let table = poolingDatabase.uniqueName("pool_reset")
        try pool.withConnection { connection in
            try connection.setAutocommit(true)
            try connection.rows("CREATE TEMP TABLE scratch (x int)")
            try connection.rows("SET statement_timeout = '1234s'")
            try connection.rows("SET application_name = 'borrower-one'")
            try connection.setAutocommit(false)
            try connection.rows("CREATE TABLE \(table) (x int)")  // in an open, uncommitted transaction
        }
        try pool.withConnection { (connection: PooledConnection) throws in
            #expect(connection.autocommit == false)
            #expect(try connection.rows("SELECT current_setting('statement_timeout')")[0][0] == .string("0"))
            #expect(try connection.rows("SELECT current_setting('application_name')")[0][0] == .string("pooling-tests"))
            #expect(try connection.integer("SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'") == 0)
            #expect(try connection.integer("SELECT count(*) FROM pg_tables WHERE tablename = '\(table)'") == 0)
        }
        #expect(pool.statistics.created == 1)  // the same connection, reset
    }

    @Test("a connection closed by its borrower is discarded on return")
    func closedByBorrower() throws {
        let pool = try PoolTestDatabase.pool(PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        try pool.withConnection { connection in connection.close() }
        #expect(pool.statistics.open == 0)
        #expect(pool.statistics.discarded == 1)
        #expect(try pool.withConnection { try $0.integer("SELECT 2") } == 2)
    }

    @Test("pool events are logged without the password")
    func loggingHidesSecrets() throws {
        let (logger, store) = CapturingLogHandler.logger()
        let configuration = try poolingDatabase.configuration()
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: configuration, settings: PoolConfiguration(maximumSize: 1),
            logger: logger)
        try pool.withConnection { _ = try $0.integer("SELECT 1") }
        pool.close()
        let lines = store.all
        #expect(lines.contains { $0.contains("connection opened") })
        #expect(lines.contains { $0.contains("connection acquired") })
        #expect(lines.contains { $0.contains("connection released") })
        let password = try #require(configuration.password?.revealed)
        #expect(!lines.contains { $0.contains(password) })
    }

    @Test("the registry hands out one pool per configuration, built from the process-wide defaults")
    func registry() throws {
        var configuration = try poolingDatabase.configuration()
        configuration.applicationName = poolingDatabase.uniqueName("registry")
        let pool = ConnectionPools.pool(driver: PGDriver(), configuration: configuration) { $0.maximumSize = 3 }
        let again = ConnectionPools.pool(driver: PGDriver(), configuration: configuration)
        #expect(pool === again)
        #expect(pool.settings.maximumSize == 3)
        #expect(pool.settings.idleTimeout == PoolConfiguration.default.idleTimeout)
        var other = configuration
        other.applicationName = poolingDatabase.uniqueName("registry-other")
        let otherPool = ConnectionPools.pool(driver: PGDriver(), configuration: other)
        #expect(otherPool !== pool)
        #expect(try pool.withConnection { try $0.integer("SELECT 3") } == 3)
        ConnectionPools.close(driver: PGDriver(), configuration: configuration)
        ConnectionPools.close(driver: PGDriver(), configuration: other)
        #expect(pool.isClosed)
        #expect(ConnectionPools.pool(driver: PGDriver(), configuration: configuration) !== pool)
        ConnectionPools.close(driver: PGDriver(), configuration: configuration)
    }
}
