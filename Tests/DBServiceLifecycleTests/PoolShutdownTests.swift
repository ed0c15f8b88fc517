import DBCore
import Foundation
import Synchronization
import Testing

/// ``ConnectionPool/shutdown(gracePeriod:)`` itself, without a service group.
@Suite("ConnectionPool.shutdown(gracePeriod:)")
struct PoolShutdownTests {
    @Test("the report counts idle, returned and force-closed connections; cancelling ends the grace period")
    func reportCounts() async throws {
        let database = try ServiceTestDatabase(.postgres)
        let pool = database.pool(PoolConfiguration(maximumSize: 4, acquireTimeout: 30))
        // One connection borrowed by a task that returns it in time, one held by a thread past the end, two idle.
        let inTime = try await pool.acquireAsync()
        let holder = BlockingHolder(pool)
        await holder.held.wait()
        let first = try await pool.acquireAsync()
        let second = try await pool.acquireAsync()
        await pool.releaseAsync(first)
        await pool.releaseAsync(second)
        #expect(pool.statistics.idle == 2)
        #expect(pool.statistics.inUse == 2)

        let shutdown = Task { await pool.shutdown(gracePeriod: 300) }
        #expect(await eventually { pool.isClosed })
        await pool.releaseAsync(inTime)
        #expect(pool.statistics.open == 1)
        // Cancelling the shutting-down task ends the grace period now.
        shutdown.cancel()
        let report = await shutdown.value
        #expect(report.closedIdle == 2)
        #expect(report.returnedInTime == 1)
        #expect(report.forceClosed == 1)
        #expect(report.refusedWaiters == 0)
        #expect(report.cancelled)
        #expect(pool.statistics.open == 0)

        holder.finish.signal()
        await holder.done.wait()
        #expect(holder.error?.kind == .connectionLost)
        let statistics = pool.statistics
        #expect(statistics.open == 0)
        #expect(statistics.created == 4)
        #expect(statistics.discarded == 4)
        #expect(try await eventually { try database.serverSessions() == 0 })
    }

    @Test("shutting down an idle pool closes it at once; a second shutdown does nothing")
    func idlePool() async throws {
        let database = try ServiceTestDatabase(.postgres)
        let pool = database.pool()
        try await pool.withConnection { connection in _ = try await connection.query("SELECT 1 AS v") }
        let report = await pool.shutdown(gracePeriod: 300)
        #expect(report.closedIdle == 1)
        #expect(report.forceClosed == 0)
        #expect(pool.statistics.open == 0)
        let again = await pool.shutdown(gracePeriod: 300)
        #expect(again.closedIdle == 0)
        #expect(again.forceClosed == 0)
        #expect(try await eventually { try database.serverSessions() == 0 })
    }
}

/// A thread that borrows a connection with the blocking API, holds it until ``finish`` is signalled, then runs a
/// query on it and returns it.
private final class BlockingHolder: Sendable {
    let held = Gate()
    let done = Gate()
    let finish = DispatchSemaphore(value: 0)
    private let outcome = Mutex<DatabaseError?>(nil)

    /// The error the query after ``finish`` failed with.
    var error: DatabaseError? { outcome.withLock { $0 } }

    init(_ pool: ConnectionPool) {
        Thread { [self] in
            defer {
                held.open()  // also when the borrow failed, so the test does not wait forever
                done.open()
            }
            do {
                let connection = try pool.acquire()
                held.open()
                finish.wait()
                defer { pool.release(connection) }
                _ = try connection.query("SELECT 1 AS v")
            } catch let error as DatabaseError {
                outcome.withLock { $0 = error }
            } catch {
                outcome.withLock { $0 = DatabaseError(kind: .other, message: "\(error)") }
            }
        }.start()
    }
}
