import Synchronization

/// A connection borrowed from a ``ConnectionPool``: the pool's connection, until it is returned.
///
/// It forwards every call to the pooled connection and remembers whether the borrower used it (so an unused
/// connection goes back without a reset round trip). Once returned it refuses further use with
/// ``DatabaseError/Kind/misuse``; cursors opened before the return must not be used after it. ``close()``
/// closes the underlying connection, which the pool then discards instead of reusing.
public final class PooledConnection: DatabaseConnection, Sendable {
    private let entry: PoolEntry
    private let returned = Atomic<Bool>(false)
    private let used = Atomic<Bool>(false)

    init(entry: PoolEntry) {
        self.entry = entry
    }

    /// The pooled connection itself, e.g. to call driver-specific API (`as? PGConnection`). Counts as use.
    public var underlying: any DatabaseConnection {
        get throws {
            try checkLent()
            return entry.connection
        }
    }

    /// The number the pool gave this connection (in its logs as `db.connection`).
    public var poolID: Int { entry.id }

    /// Whether the borrower ran anything on the connection.
    var wasUsed: Bool { used.load(ordering: .relaxed) }

    /// The thread that runs this connection's calls for async code.
    var thread: ConnectionThread { entry.thread }

    /// Ends the loan: returns the entry the first time, `nil` after.
    func detach() -> PoolEntry? {
        returned.exchange(true, ordering: .acquiringAndReleasing) ? nil : entry
    }

    @inline(__always)
    private func checkLent() throws {
        guard !returned.load(ordering: .relaxed) else {
            throw DatabaseError.misuse("the connection was returned to its pool; borrow another one")
        }
        used.store(true, ordering: .relaxed)
    }

    /// The database family.
    public var dialect: SQLDialect { entry.connection.dialect }

    /// Opens a cursor on the pooled connection.
    public func cursor() throws -> any DatabaseCursor {
        try checkLent()
        return try entry.connection.cursor()
    }

    /// Commits the current transaction.
    public func commit() throws {
        try checkLent()
        try entry.connection.commit()
    }

    /// Rolls back the current transaction.
    public func rollback() throws {
        try checkLent()
        try entry.connection.rollback()
    }

    /// Whether each statement commits on its own (off on every connection the pool lends).
    public var autocommit: Bool { entry.connection.autocommit }

    /// Turns autocommit on or off for this loan; the pool turns it off again on return.
    public func setAutocommit(_ enabled: Bool) throws {
        try checkLent()
        try entry.connection.setAutocommit(enabled)
    }

    /// `false` once returned, closed or known broken.
    public var isAlive: Bool { !returned.load(ordering: .relaxed) && entry.connection.isAlive }

    /// A round trip to the server.
    public func ping() throws {
        guard !returned.load(ordering: .relaxed) else { throw DatabaseError.misuse("the connection was returned") }
        try entry.connection.ping()
    }

    /// Cancels the running statement, if any.
    public func cancel() {
        guard !returned.load(ordering: .relaxed) else { return }
        entry.connection.cancel()
    }

    /// The notices received since the last call.
    public func takeNotices() -> [DatabaseNotice] { entry.connection.takeNotices() }

    /// Closes the underlying connection; the pool discards it when it is returned.
    public func close() {
        guard !returned.load(ordering: .relaxed) else { return }
        entry.connection.close()
    }

    /// `true` once returned or closed.
    public var isClosed: Bool { returned.load(ordering: .relaxed) || entry.connection.isClosed }

    /// Resets the session now (the pool also does it on return).
    public func resetSession() throws {
        try checkLent()
        try entry.connection.resetSession()
    }
}
