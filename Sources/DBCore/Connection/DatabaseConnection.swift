/// A connection to a database, with DB-API semantics: autocommit is off by default, so the first statement opens
/// a transaction that lasts until ``commit()`` or ``rollback()``.
///
/// Connections are `Sendable` and safe to use from any thread; each serialises its own calls, so one connection
/// runs one statement at a time. ``cancel()`` may be called from another thread while a statement runs.
public protocol DatabaseConnection: AnyObject, Sendable {
    /// The database family, and with it the native placeholder syntax.
    var dialect: SQLDialect { get }

    /// Opens a cursor to run statements and read their results.
    func cursor() throws -> any DatabaseCursor

    /// Commits the current transaction (a no-op when none is open).
    func commit() throws

    /// Rolls back the current transaction (a no-op when none is open).
    func rollback() throws

    /// Whether each statement commits on its own. `false` by default.
    var autocommit: Bool { get }

    /// Turns autocommit on or off. Turning it on while a transaction is open commits that transaction first,
    /// as DB-API drivers do.
    func setAutocommit(_ enabled: Bool) throws

    /// A cheap liveness check that makes no round trip: `false` once the connection is closed or known broken.
    var isAlive: Bool { get }

    /// ``isAlive``, plus a look at the socket that makes no round trip: a zero-timeout check for readability,
    /// which finds a connection whose server closed it (a restart, a failover, an idle timeout on the server)
    /// before it is used. A pool calls it before lending an idle connection. `false` when the peer has closed the
    /// socket or sent something an idle connection does not expect; drivers without a socket check return
    /// ``isAlive``.
    func isAliveCheckingSocket() -> Bool

    /// A round trip to the server (`SELECT 1`); throws ``DatabaseError/Kind/connectionLost`` when it is gone.
    func ping() throws

    /// Asks the server to cancel the statement running on this connection, if any. Safe from any thread; the
    /// statement then fails with ``DatabaseError/Kind/cancelled`` and the connection stays usable.
    func cancel()

    /// Returns and forgets the notices (PostgreSQL NOTICE/WARNING, SQL Server informational messages and PRINT
    /// output) received since the last call.
    func takeNotices() -> [DatabaseNotice]

    /// Closes the connection; any open transaction is rolled back by the server. Idempotent.
    func close()

    /// Whether ``close()`` has been called.
    var isClosed: Bool { get }

    /// Returns the session to the state a fresh connection has, so nothing leaks to the next user of a pooled
    /// connection: rolls back any open transaction, then drops session state (temporary tables, `SET`s, prepared
    /// statements) where the driver can, and turns autocommit off again. The default only rolls back and turns
    /// autocommit off; drivers override it (PostgreSQL: `DISCARD ALL`; SQL Server: `sp_reset_connection` or the
    /// session `SET`s again).
    func resetSession() throws
}

extension DatabaseConnection {
    /// ``isAlive``: drivers that can look at their socket override this.
    public func isAliveCheckingSocket() -> Bool { isAlive }

    /// Rolls back any open transaction and turns autocommit off; drivers override this to drop session state too.
    public func resetSession() throws {
        try rollback()
        if autocommit { try setAutocommit(false) }
    }
}

extension DatabaseConnection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws (and rethrows).
    ///
    /// With autocommit on, autocommit is switched off for the duration and restored afterwards.
    public func withTransaction<T>(_ body: (Self) throws -> T) throws -> T {
        let wasAutocommit = autocommit
        if wasAutocommit { try setAutocommit(false) }
        defer { if wasAutocommit { try? setAutocommit(true) } }
        do {
            let result = try body(self)
            try commit()
            return result
        } catch {
            try? rollback()
            throw error
        }
    }

    /// Runs one statement and returns all rows of its first result set: a shortcut for a cursor's
    /// `execute` + `fetchAll`.
    public func query(_ query: SQLQuery) throws -> [Row] {
        let cursor = try self.cursor()
        defer { cursor.close() }
        try cursor.execute(query)
        return cursor.columns == nil ? [] : try cursor.fetchAll()
    }
}

/// A message from the server that is not an error: a PostgreSQL NOTICE or WARNING, a SQL Server informational
/// message (severity 10 or below) or PRINT output.
public struct DatabaseNotice: Sendable, Hashable, CustomStringConvertible {
    /// The severity as the server names it (`NOTICE`, `WARNING`) or as a number (`10`).
    public var severity: String
    /// The native code, if any.
    public var code: DatabaseError.Code?
    /// The message text.
    public var message: String

    /// Creates a notice.
    public init(severity: String, code: DatabaseError.Code? = nil, message: String) {
        self.severity = severity
        self.code = code
        self.message = message
    }

    /// `SEVERITY: message`.
    public var description: String { "\(severity): \(message)" }
}

/// Opens connections for one database family.
public protocol DatabaseDriver: Sendable {
    /// The database family this driver connects to.
    var backend: DatabaseBackend { get }

    /// Opens a connection described by `configuration`.
    func connect(_ configuration: ConnectionConfiguration) throws -> any DatabaseConnection
}
