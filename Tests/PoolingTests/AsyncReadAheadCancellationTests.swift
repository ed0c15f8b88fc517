import DBCore
import Foundation
import PGDriver
import TestSupport
import Testing

/// Cancelling an async row iteration whose rows arrive slowly: the statement must stop on the server, so the
/// connection's thread is free for the next statement long before the rows would have come.
///
/// The rows stream (libpq single-row mode, as SQL Server's driver always does): PostgreSQL sends the first rows
/// while later ones still sleep, so the fetch of a later batch blocks on the connection's thread.
@Suite("Async rows: cancelling a slow read-ahead")
struct AsyncReadAheadCancellationTests {
    @Test("cancelled while the read-ahead waits for slow rows: the statement stops, the connection answers")
    func cancelWhileReadAheadWaits() async throws {
        // Batch 2 (rows 1001-2000) is being fetched when row 1101 sleeps.
        try await checkCancellation(fastRows: 1100, cancelInsideLoop: false)
    }

    @Test("cancelled after the read-ahead finished, with slow rows still to come: the statement stops")
    func cancelAfterReadAheadFinished() async throws {
        // Batch 2 (rows 1001-2000) has arrived when row 2101 sleeps; closing the cursor would read the rest.
        try await checkCancellation(fastRows: 2100, cancelInsideLoop: true)
    }

    /// Iterates `SELECT` of 3000 rows in batches of 1000, of which the rows after `fastRows` each sleep 30 s on the
    /// server; cancels the task once the server sleeps (from inside the loop, at the first row, or from outside),
    /// then checks the iteration ends with `.cancelled`, the statement leaves the server within 20 s (well before
    /// one sleep would end), and the connection runs the next statement.
    private func checkCancellation(fastRows: Int, cancelInsideLoop: Bool) async throws {
        let base = try await offPool { try PGDriver.connect(try poolingDatabase.configuration()) }
        let connection = AsyncConnection(StreamingConnection(base))
        let admin = try await offPool { try poolingDatabase.adminConnection() }
        defer { admin.close() }
        let marker = poolingDatabase.uniqueName("slow")
        // 100 fast rows of ~120 bytes after each batch boundary fill the server's 8 kB send buffer, so the batch
        // before them reaches the client before the sleeping starts.
        let sql = """
            SELECT g, repeat('x', 100) AS pad, CASE WHEN g > \(fastRows) THEN pg_sleep(30)::text END AS \(marker)
            FROM generate_series(1, 3000) AS g
            """
        let sleeping = """
            SELECT count(*) FROM pg_stat_activity
            WHERE query LIKE '%\(marker)%' AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()
            """
        let active = """
            SELECT count(*) FROM pg_stat_activity
            WHERE query LIKE '%\(marker)%' AND state = 'active' AND pid <> pg_backend_pid()
            """

        let iteration = Task { () -> Int in
            var count = 0
            for try await _ in try connection.rows(sql, [], batchSize: 1000) {
                count += 1
                if cancelInsideLoop && count == 1 {
                    let slept = try await Self.waitUntil(sleeping, is: 1, on: admin)
                    #expect(slept, "the server never reached the slow rows")
                    withUnsafeCurrentTask { $0?.cancel() }
                }
            }
            return count
        }
        if !cancelInsideLoop {
            let slept = try await Self.waitUntil(sleeping, is: 1, on: admin)
            #expect(slept, "the server never reached the slow rows")
            iteration.cancel()
        }
        switch await iteration.result {
        case .success(let count):
            Issue.record("the iteration ended normally after \(count) rows despite the cancel")
        case .failure(let error):
            #expect((error as? DatabaseError)?.kind == .cancelled, "\(error)")
        }

        // The statement must stop on the server (its next row alone would sleep 30 s); the wait is bounded so that
        // a statement left running fails the test instead of hanging it.
        let stopped = try await Self.waitUntil(active, is: 0, on: admin)
        #expect(stopped, "the cancelled statement still runs on the server")
        guard stopped else {
            // Free the connection's thread, which would wait for the sleeping rows.
            try await offPool {
                _ = try admin.rows(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%\(marker)%' "
                        + "AND pid <> pg_backend_pid()")
            }
            await connection.close()
            return
        }
        try await connection.rollback()
        let value = try await connection.query("SELECT 41 + 1")[0].get(Int.self, at: 0)
        #expect(value == 42)
        await connection.close()
    }

    /// Polls (for up to 20 s) until the count `sql` returns is `expected`; whether it got there. The blocking
    /// libpq calls run off the cooperative pool (see `offPool`).
    private static func waitUntil(_ sql: String, is expected: Int, on admin: PGConnection) async throws -> Bool {
        try await offPool { try PoolTestDatabase.eventually(within: 20) { try admin.integer(sql) == expected } }
    }
}

/// A PostgreSQL connection whose cursors stream their rows (``PGCursor/streamsResults``) instead of buffering each
/// whole result; everything else is the wrapped connection's.
private final class StreamingConnection: DatabaseConnection {
    let base: PGConnection

    init(_ base: PGConnection) { self.base = base }

    var dialect: SQLDialect { base.dialect }
    func cursor() throws -> any DatabaseCursor { try base.makeCursor(streamsResults: true) }
    func commit() throws { try base.commit() }
    func rollback() throws { try base.rollback() }
    var autocommit: Bool { base.autocommit }
    func setAutocommit(_ enabled: Bool) throws { try base.setAutocommit(enabled) }
    var isAlive: Bool { base.isAlive }
    func ping() throws { try base.ping() }
    func cancel() { base.cancel() }
    func takeNotices() -> [DatabaseNotice] { base.takeNotices() }
    func close() { base.close() }
    var isClosed: Bool { base.isClosed }
    func resetSession() throws { try base.resetSession() }
}
