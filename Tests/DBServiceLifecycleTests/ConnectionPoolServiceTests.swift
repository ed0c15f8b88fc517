import DBCore
import DBServiceLifecycle
import Foundation
import ServiceLifecycle
import Synchronization
import TDSSandbox
import Testing

/// ``ConnectionPoolService`` in a real `ServiceGroup`, on PostgreSQL and on SQL Server (the TDS sandbox).
@Suite("ConnectionPoolService in a ServiceGroup")
struct ConnectionPoolServiceTests {
    @Test(
        "graceful shutdown refuses new borrows, waits for the borrower in flight, then closes every connection",
        arguments: [TestBackend.postgres, .sqlServer])
    func shutdownWaitsForBorrower(backend: TestBackend) async throws {
        let database = try ServiceTestDatabase(backend)
        let pool = database.pool(PoolConfiguration(maximumSize: 1, acquireTimeout: 60))
        let (group, running) = runningService(pool, gracePeriod: .seconds(300))

        // While the group runs, the pool lends connections.
        let one = try await pool.withConnection { connection in
            try await connection.query("SELECT 1 AS v")[0].get(Int.self, at: 0)
        }
        #expect(one == 1)
        let borrowed = Gate()
        let finish = Gate()
        let borrower = Task {
            try await pool.withConnection { connection in
                borrowed.open()
                await finish.wait()
                return try await connection.query("SELECT 2 AS v")[0].get(Int.self, at: 0)
            }
        }
        await borrowed.wait()
        let waiter = Task { await asyncDatabaseError { try await pool.withConnection { (_: AsyncConnection) in } } }
        #expect(await eventually { pool.statistics.waiters == 1 })

        await group.triggerGracefulShutdown()
        #expect(await eventually { pool.isClosed })
        // The waiting borrower and new ones are refused; blocking borrowers too.
        #expect(await waiter.value?.kind == .connectionLost)
        let refused = await asyncDatabaseError { try await pool.withConnection { (_: AsyncConnection) in } }
        #expect(refused?.kind == .connectionLost)
        let blocking = await Task.detached { databaseErrorOfBlockingBorrow(pool) }.value
        #expect(blocking?.kind == .connectionLost)
        // The borrower's connection stays open and usable until it returns it.
        #expect(pool.statistics.open == 1)
        #expect(pool.statistics.inUse == 1)
        #expect(try database.serverSessions() == 1)
        finish.open()
        #expect(try await borrower.value == 2)

        try await running.value
        let statistics = pool.statistics
        #expect(statistics.open == 0)
        #expect(statistics.idle == 0)
        #expect(statistics.discarded == statistics.created)
        #expect(try await eventually { try database.serverSessions() == 0 })
        if let sandbox = database.sandbox { #expect(await eventually { sandbox.sessionCount == 0 }) }
    }

    @Test(
        "a borrower that outlives the grace period loses its connection; its late return counts nothing twice",
        arguments: [TestBackend.postgres, .sqlServer])
    func borrowerOutlivesGracePeriod(backend: TestBackend) async throws {
        let database = try ServiceTestDatabase(backend)
        let pool = database.pool()
        let (group, running) = runningService(pool, gracePeriod: .milliseconds(200))
        let borrowed = Gate()
        let finish = Gate()
        let borrower = holdingBorrower(pool, borrowed: borrowed, finish: finish)
        await borrowed.wait()
        await group.triggerGracefulShutdown()
        // The service returns once the grace period is over, with the borrower still holding its connection.
        try await running.value
        #expect(pool.statistics.open == 0)
        #expect(pool.statistics.inUse == 0)
        #expect(try await eventually { try database.serverSessions() == 0 })

        finish.open()
        #expect(await borrower.value?.kind == .connectionLost)
        let statistics = pool.statistics
        #expect(statistics.open == 0)
        #expect(statistics.created == 1)
        #expect(statistics.discarded == 1)
    }

    @Test(
        "a statement still running when the grace period ends is cancelled, and the service returns",
        arguments: [TestBackend.postgres, .sqlServer])
    func runningStatementIsCancelled(backend: TestBackend) async throws {
        let database = try ServiceTestDatabase(backend)
        let pool = database.pool()
        let (group, running) = runningService(pool, gracePeriod: .milliseconds(100))
        let borrower = Task {
            await asyncDatabaseError {
                try await pool.withConnection { connection in _ = try await connection.execute(backend.longStatement) }
            }
        }
        #expect(try await eventually { try database.serverSessions(state: "active") == 1 })
        await group.triggerGracefulShutdown()
        try await running.value
        // Had the cancel not worked, the statement would have completed and the borrower would get no error.
        let error = await borrower.value
        #expect(error != nil)
        #expect([DatabaseError.Kind.cancelled, .connectionLost].contains(error?.kind))
        #expect(pool.statistics.open == 0)
        #expect(try await eventually { try database.serverSessions() == 0 })
    }

    @Test("cancelling the group closes every connection at once", arguments: [TestBackend.postgres, .sqlServer])
    func cancellationClosesAtOnce(backend: TestBackend) async throws {
        let database = try ServiceTestDatabase(backend)
        let pool = database.pool()
        let (_, running) = runningService(pool, gracePeriod: .seconds(300))
        let borrowed = Gate()
        let finish = Gate()
        let borrower = holdingBorrower(pool, borrowed: borrowed, finish: finish)
        await borrowed.wait()
        running.cancel()
        _ = try? await running.value
        #expect(pool.isClosed)
        #expect(pool.statistics.open == 0)
        finish.open()
        #expect(await borrower.value?.kind == .connectionLost)
        #expect(try await eventually { try database.serverSessions() == 0 })
    }

    @Test(
        "services listed after the pool stop first: their last borrow, after graceful shutdown began, succeeds",
        arguments: [TestBackend.postgres, .sqlServer])
    func laterServicesStopFirst(backend: TestBackend) async throws {
        let database = try ServiceTestDatabase(backend)
        let pool = database.pool()
        let borrower = LastBorrowService(pool: pool)
        let group = ServiceGroup(
            services: [ConnectionPoolService(pool, gracePeriod: .seconds(300), logger: quietLogger), borrower],
            logger: quietLogger)
        let running = Task { try await group.run() }
        await borrower.started.wait()
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(borrower.outcome.withLock { $0 } == "7")
        #expect(pool.isClosed)
        #expect(pool.statistics.open == 0)
        #expect(try await eventually { try database.serverSessions() == 0 })
    }
}

/// A service that, once graceful shutdown reaches it, borrows from the pool one last time (as an HTTP server
/// finishing its last request would) and records the result or the error.
private final class LastBorrowService: Service {
    let pool: ConnectionPool
    let started = Gate()
    let outcome = Mutex<String?>(nil)

    init(pool: ConnectionPool) { self.pool = pool }

    func run() async throws {
        started.open()
        try? await gracefulShutdown()
        let text: String
        do {
            text = try await pool.withConnection { connection in
                String(try await connection.query("SELECT 7 AS v")[0].get(Int.self, at: 0))
            }
        } catch {
            text = "\(error)"
        }
        outcome.withLock { $0 = text }
    }
}

/// A `ServiceGroup` of one ``ConnectionPoolService`` for `pool`, and the task running it.
private func runningService(
    _ pool: ConnectionPool, gracePeriod: Duration
) -> (group: ServiceGroup, running: Task<Void, any Error>) {
    let group = ServiceGroup(
        services: [ConnectionPoolService(pool, gracePeriod: gracePeriod, logger: quietLogger)], logger: quietLogger)
    return (group, Task { try await group.run() })
}

/// A borrower that runs a statement, opens `borrowed`, waits for `finish`, then runs another; its value is the
/// error it met (`nil`: none).
private func holdingBorrower(_ pool: ConnectionPool, borrowed: Gate, finish: Gate) -> Task<DatabaseError?, Never> {
    Task {
        await asyncDatabaseError {
            try await pool.withConnection { connection in
                _ = try await connection.query("SELECT 1 AS v")
                borrowed.open()
                await finish.wait()
                _ = try await connection.query("SELECT 2 AS v")
            }
        }
    }
}

/// The error a blocking borrow from `pool` fails with, `nil` if it succeeds.
private func databaseErrorOfBlockingBorrow(_ pool: ConnectionPool) -> DatabaseError? {
    do {
        try pool.withConnection { _ in }
        return nil
    } catch let error as DatabaseError {
        return error
    } catch {
        return DatabaseError(kind: .other, message: "\(error)")
    }
}
