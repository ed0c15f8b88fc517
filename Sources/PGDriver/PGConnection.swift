import DBCore
import Foundation
import Synchronization

/// A connection to PostgreSQL over libpq, with DB-API semantics (autocommit off by default).
///
/// `@unchecked Sendable` is safe because every libpq call on the connection happens while holding the private
/// `lock` (an `NSLock`), so one thread at a time uses the `PGconn`, and all mutable state (autocommit, the open
/// result stream) is read and written only under that lock. The exceptions are deliberate: ``cancel()`` uses
/// libpq's `PGcancel` object, which libpq documents as safe from another thread, behind a lock of its own;
/// ``takeNotices()`` reads a collector with its own lock; ``isClosed``, ``isAlive`` and the cancel flag are
/// atomics.
public final class PGConnection: DatabaseConnection, @unchecked Sendable {
    /// PostgreSQL: `$n` placeholders.
    public let dialect = SQLDialect.postgresql
    /// The configuration the connection was opened with.
    public let configuration: ConnectionConfiguration

    let lock = NSLock()
    /// The libpq connection; used only under `lock` (except its `cancel()`).
    let handle: PQHandle
    /// Guarded by `lock`.
    var autocommitEnabled = false
    /// The stream whose results are still arriving, if any. Guarded by `lock`.
    var activeStream: PGResultStream?
    /// The automatic prepared-statement cache. Guarded by `lock`.
    ///
    /// `@exclusivity(unchecked)`: its mutating calls made every statement pay two run-time exclusivity checks
    /// (`swift_beginAccess`, ~80 instructions each) that the optimiser could not prove away; every access happens
    /// under `lock`, one at a time, and none nests inside another.
    @exclusivity(unchecked) var statementCache: PGStatementCache
    /// The arrays each statement's parameters are encoded into, kept from one statement to the next so that a
    /// statement allocates none (up to ``PQParameters/retainedBytesLimit`` bytes of values). Guarded by `lock`;
    /// unchecked at run time for the same reason as ``statementCache`` (taken with `swap` once per statement).
    @exclusivity(unchecked) var parameterScratch = PQParameters()

    private let closedFlag = Atomic<Bool>(false)
    let healthyFlag = Atomic<Bool>(true)
    /// Set once an error of kind `.connectionLost` was thrown: the connection is never alive again.
    private let brokenFlag = Atomic<Bool>(false)
    /// Set by ``cancel()``, cleared when a statement starts: tells a cancel apart from a statement timeout.
    let cancelRequested = Atomic<Bool>(false)

    init(handle: PQHandle, configuration: ConnectionConfiguration, statementCache: StatementCacheSettings = .init()) {
        self.handle = handle
        self.configuration = configuration
        self.statementCache = PGStatementCache(statementCache)
    }

    deinit {
        handle.finish()
    }

    /// Opens a cursor that buffers each result in memory (the fast path).
    public func cursor() throws -> any DatabaseCursor {
        try makeCursor()
    }

    /// Opens a cursor; with `streamsResults`, rows arrive one at a time in constant memory (see
    /// ``PGCursor/streamsResults``).
    public func makeCursor(streamsResults: Bool = false) throws -> PGCursor {
        guard !isClosed else { throw PQHandle.closedError }
        let cursor = PGCursor(connection: self)
        cursor.streamsResults = streamsResults
        return cursor
    }

    /// Whether each statement commits on its own. `false` by default.
    public var autocommit: Bool {
        lock.lock()
        defer { lock.unlock() }
        return autocommitEnabled
    }

    /// `true` while the connection is open and libpq last saw it healthy; makes no round trip.
    public var isAlive: Bool {
        !isClosed && healthyFlag.load(ordering: .relaxed) && !brokenFlag.load(ordering: .relaxed)
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { closedFlag.load(ordering: .relaxed) }

    /// A `SELECT 1` round trip; throws `.connectionLost` when the server is gone.
    public func ping() throws {
        try withIdleHandle { handle in
            // In a failed transaction only an empty query succeeds.
            let sql = handle.transactionState == .failed ? "" : "SELECT 1"
            let result = handle.exec(sql)
            if result == nil || result!.isError {
                throw failure(result, statement: "SELECT 1")
            }
        }
    }

    /// Asks the server to cancel the running statement (libpq's `PQcancel`). Safe from any thread; the statement
    /// fails with `.cancelled` and the connection stays usable. Does nothing when no statement runs.
    public func cancel() {
        cancelRequested.store(true, ordering: .sequentiallyConsistent)
        handle.cancel()
    }

    /// Returns and forgets the notices (NOTICE, WARNING, INFO) received since the last call.
    public func takeNotices() -> [DatabaseNotice] {
        handle.notices.take()
    }

    /// Closes the connection (`PQfinish`); the server rolls back an open transaction. Idempotent. Waits for a
    /// statement running on another thread to finish.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closedFlag.exchange(true, ordering: .sequentiallyConsistent) else { return }
        activeStream?.abandoned = true
        activeStream = nil
        handle.finish()
        healthyFlag.store(false, ordering: .relaxed)
    }

    /// Runs `body` with the handle under the lock, after checking the connection is open and reading to its end
    /// any result stream still arriving. Records the connection's health afterwards.
    func withIdleHandle<R>(_ body: (PQHandle) throws -> R) throws -> R {
        lock.lock()
        defer {
            healthyFlag.store(handle.isHealthy, ordering: .relaxed)
            lock.unlock()
        }
        guard !isClosed else { throw PQHandle.closedError }
        abandonActiveStream()
        do {
            return try body(handle)
        } catch let error as DatabaseError where error.kind == .connectionLost {
            markBroken()
            throw error
        }
    }

    /// Records that the connection is broken: ``isAlive`` is `false` from now on, whatever libpq's status says.
    func markBroken() {
        brokenFlag.store(true, ordering: .relaxed)
    }

    /// Reads and drops the rest of the active stream. Call under `lock`.
    func abandonActiveStream() {
        guard let stream = activeStream else { return }
        stream.abandoned = true
        stream.lookahead = nil
        while handle.nextResult() != nil {}
        stream.finished = true
        activeStream = nil
    }

    /// The error for a failed or missing result. Call under `lock`.
    func failure(_ result: PQResult?, statement: String?) -> DatabaseError {
        let error: DatabaseError
        if let result {
            error = result.error(
                statement: statement, cancelRequested: cancelRequested.load(ordering: .sequentiallyConsistent),
                connectionBroken: !handle.isHealthy)
        } else {
            error = handle.clientError(statement: statement)
        }
        if error.kind == .connectionLost { markBroken() }
        return error
    }
}
