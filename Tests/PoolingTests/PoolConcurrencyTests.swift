import DBCore
import Foundation
import PGDriver
import Synchronization
import TestSupport
import Testing

@Suite("Pool under concurrency")
struct PoolConcurrencyTests {
    @Test("32 tasks and 8 threads run 10,000 queries through a pool of 4: no error, no leak, counters add up")
    func tasksAndThreads() async throws {
        let (logger, _) = CapturingLogHandler.logger()
        let pool = try PoolTestDatabase.pool(PoolConfiguration(maximumSize: 4, acquireTimeout: 30), logger: logger)
        defer { pool.close() }
        let taskCount = 32, threadCount = 8, perWorker = 250  // (32 + 8) × 250 = 10,000 queries
        let failures = Box<[String]>([])
        let sum = Box<Int>(0)

        let threadsDone = DispatchGroup()
        for worker in 0..<threadCount {
            threadsDone.enter()
            let thread = Thread {
                defer { threadsDone.leave() }
                for index in 0..<perWorker {
                    do {
                        let value = try pool.withConnection { connection in
                            try connection.integer("SELECT \(worker * 1000 + index)")
                        }
                        sum.withLock { $0 += value }
                    } catch {
                        failures.withLock { $0.append("thread \(worker): \(error)") }
                    }
                }
            }
            thread.start()
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<taskCount {
                group.addTask {
                    for index in 0..<perWorker {
                        do {
                            let value = try await pool.withConnection { connection in
                                try await connection.query("SELECT \(bind: 100_000 + worker * 1000 + index)")[0]
                                    .get(Int.self, at: 0)
                            }
                            sum.withLock { $0 += value }
                        } catch {
                            failures.withLock { $0.append("task \(worker): \(error)") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        await withCheckedContinuation { continuation in
            threadsDone.notify(queue: .global()) { continuation.resume() }
        }

        #expect(failures.withLock { $0 } == [])
        var expected = 0
        for worker in 0..<threadCount { for index in 0..<perWorker { expected += worker * 1000 + index } }
        for worker in 0..<taskCount { for index in 0..<perWorker { expected += 100_000 + worker * 1000 + index } }
        #expect(sum.withLock { $0 } == expected)

        let statistics = pool.statistics
        #expect(statistics.inUse == 0)
        #expect(statistics.waiters == 0)
        #expect(statistics.open == statistics.idle)
        #expect(statistics.open <= 4)
        #expect(statistics.acquired == 10_000)
        #expect(statistics.created - statistics.discarded == statistics.open)
        #expect(statistics.discarded == 0)  // healthy connections are reused, never reopened
        #expect(statistics.timeouts == 0)
    }

    @Test("exhaustion: a borrower waits, then fails with a timeout naming the pool size and the wait")
    func exhaustionTimesOut() throws {
        let pool = try PoolTestDatabase.pool(PoolConfiguration(maximumSize: 2, acquireTimeout: 0.2))
        defer { pool.close() }
        let first = try pool.acquire()
        let second = try pool.acquire()
        var caught: DatabaseError?
        do {
            _ = try pool.acquire()
        } catch let error as DatabaseError {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.kind == .timeout)
        #expect(error.message.contains("all 2 connections"))
        #expect(error.message.contains("within 0.2"))
        #expect(pool.statistics.timeouts == 1)
        #expect(pool.statistics.waiters == 0)
        // A connection freed while a borrower waits goes to that borrower.
        let releaser = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            pool.release(second)
        }
        releaser.start()
        let third = try pool.acquire(timeout: 10)
        #expect(third.poolID == second.poolID)
        pool.release(third)
        pool.release(first)
        pool.release(first)  // a second return is ignored
        #expect(pool.statistics.inUse == 0)
        #expect(pool.statistics.open == 2)
        #expect(throws: DatabaseError.self) { try third.cursor() }  // returned: no further use
    }

    @Test("async exhaustion times out too, and a cancelled waiter leaves the queue")
    func asyncExhaustionAndCancelledWaiter() async throws {
        let pool = try PoolTestDatabase.pool(PoolConfiguration(maximumSize: 1, acquireTimeout: 0.2))
        defer { pool.close() }
        let held = try await pool.acquireAsync()
        await #expect(throws: DatabaseError.self) {
            try await pool.withConnection { connection in try await connection.query("SELECT 1").count }
        }
        let waiter = Task { try await pool.withConnection(isolation: nil) { _ in 1 } }
        #expect(await PoolTestDatabase.eventuallyAsync { pool.statistics.waiters == 1 } || pool.statistics.timeouts > 1)
        waiter.cancel()
        let outcome = await waiter.result
        #expect(throws: DatabaseError.self) { try outcome.get() }
        #expect(pool.statistics.waiters == 0)
        await pool.releaseAsync(held)
        #expect(try await pool.withConnection { connection in try await connection.query("SELECT 7").count } == 1)
    }
}
