import DBCore
import Foundation
import MSSQLDriver
import PGDriver
import TDSSandbox
import TestSupport
import Testing
import ThrowawayServers

/// A TDS sandbox (with its PostgreSQL engine) on loopback, for MSSQLDriver pools.
final class SandboxFixture: Sendable {
    let server = TDSSandboxServer()
    let configuration: ConnectionConfiguration

    init() throws {
        let postgres = try poolingDatabase.configuration()
        let port = try server.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres))
        configuration = ConnectionConfiguration(
            backend: .sqlServer, host: "127.0.0.1", port: port, database: postgres.database, user: postgres.user,
            password: postgres.password, connectTimeout: 10)
    }

    func pool(_ settings: PoolConfiguration) -> ConnectionPool {
        ConnectionPool(driver: MSSQLDriver(), configuration: configuration, settings: settings)
    }

    deinit { server.stop() }
}

@Suite("SQL Server pools (MSSQLDriver through the TDS sandbox)")
struct SQLServerPoolTests {
    @Test("tasks and threads share a pool of 3; resets fall back to the session SETs without discarding")
    func concurrentUse() async throws {
        let sandbox = try SandboxFixture()
        let pool = sandbox.pool(PoolConfiguration(maximumSize: 3, acquireTimeout: 30))
        defer { pool.close() }
        let failures = Box<[String]>([])
        let done = DispatchGroup()
        for worker in 0..<4 {
            done.enter()
            Thread {
                defer { done.leave() }
                for index in 0..<25 {
                    do {
                        let value = try pool.withConnection { try $0.integer("SELECT \(worker * 100 + index)") }
                        if value != worker * 100 + index { failures.withLock { $0.append("thread got \(value)") } }
                    } catch {
                        failures.withLock { $0.append("thread \(worker): \(error)") }
                    }
                }
            }.start()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        do {
                            let value = try await pool.withConnection { connection in
                                try await connection.query("SELECT \(bind: worker * 1000 + index) AS v")[0]
                                    .get(Int.self, at: 0)
                            }
                            if value != worker * 1000 + index { failures.withLock { $0.append("task got \(value)") } }
                        } catch {
                            failures.withLock { $0.append("task \(worker): \(error)") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        await withCheckedContinuation { continuation in done.notify(queue: .global()) { continuation.resume() } }
        #expect(failures.withLock { $0 } == [])
        let statistics = pool.statistics
        #expect(statistics.acquired == 300)
        #expect(statistics.inUse == 0)
        #expect(statistics.discarded == 0)
        #expect(statistics.open <= 3)
    }

    @Test("an open transaction and autocommit do not reach the next borrower")
    func sessionReset() throws {
        let sandbox = try SandboxFixture()
        let pool = sandbox.pool(PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        let table = poolingDatabase.uniqueName("mssql_reset")
        try pool.withConnection { connection in
            try connection.rows("CREATE TABLE \(table) (x INT)")  // implicit transaction, never committed
            try connection.rows("INSERT INTO \(table) VALUES (1)")
        }
        try pool.withConnection { connection in
            try connection.setAutocommit(true)
        }
        try pool.withConnection { (connection: PooledConnection) throws in
            #expect(connection.autocommit == false)
            #expect(throws: DatabaseError.self) { try connection.rows("SELECT x FROM \(table)") }
            try connection.rollback()
        }
        #expect(pool.statistics.created == 1)
        #expect(pool.statistics.discarded == 0)
    }

    @Test("cancelling a task stops WAITFOR DELAY '00:00:30'; the connection is reused")
    func cancelWaitFor() async throws {
        let sandbox = try SandboxFixture()
        let pool = sandbox.pool(PoolConfiguration(maximumSize: 1, acquireTimeout: 30))
        defer { pool.close() }
        let sleeper = Task {
            try await pool.withConnection { connection in
                try await connection.execute("WAITFOR DELAY '00:00:30'")
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        sleeper.cancel()
        let outcome = await sleeper.result
        #expect(throws: DatabaseError.self) { try outcome.get() }
        if case .failure(let error as DatabaseError) = outcome { #expect(error.kind == .cancelled) }
        let value = try await pool.withConnection { connection in
            try await connection.query("SELECT 6 * 7 AS v")[0].get(Int.self, at: 0)
        }
        #expect(value == 42)
        #expect(pool.statistics.created == 1)
    }
}
