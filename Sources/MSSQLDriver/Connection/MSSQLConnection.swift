import DBCore
import Foundation
import Synchronization

/// A connection to SQL Server (or a TDS 7.x server such as Azure SQL) over FreeTDS DB-Library.
///
/// DB-API semantics: autocommit is off by default (the session runs with `IMPLICIT_TRANSACTIONS ON`, as pymssql
/// does), so the first statement opens a transaction that lasts until ``commit()`` or ``rollback()``.
///
/// Thread safety: `lock` serialises every DB-Library call on the connection, so one statement runs at a time;
/// the `DBPROCESS*` is touched only while it is held. ``cancel()`` does not take the lock: it sets a flag that the
/// process-wide interrupt handler reads while the running call waits for the server (within about a second),
/// which then sends an attention from the waiting thread itself (DB-Library's `dbcancel` is not safe from another
/// thread). That makes the `@unchecked Sendable` sound.
public final class MSSQLConnection: DatabaseConnection, @unchecked Sendable {
    let lock = NSLock()
    private let handle: DBLibHandle
    /// Whether each statement commits on its own. Guarded by `lock`.
    private(set) var autocommitEnabled = false
    private var closed = false
    /// Set when a call failed with `.connectionLost` or the socket check found the peer gone. Guarded by `lock`.
    private var broken = false
    /// The cursor whose results may be pending on the wire, if any.
    private var resultOwner: ObjectIdentifier?
    /// How many times a statement claimed the wire; a cursor compares it with the claim of its own statement
    /// before handing out rows it read ahead (another statement discarded its results since).
    private let claims = Atomic<Int>(0)
    /// The thread that holds `lock` while a ``MSSQLCursor/forEachRowView(_:)`` body runs on it (0: none): its calls
    /// on this connection must not wait for the lock it holds (``readingInPlace(_:)``).
    let inPlaceReader = Atomic<UInt>(0)
    /// A ``close()`` asked for from inside such a body, done when its batch of rows ends. Guarded by `lock`.
    var closeDeferred = false
    /// A ``release(_:)`` of the reading cursor asked for from inside such a body, done likewise. Guarded by `lock`.
    var releaseDeferred = false
    /// The automatic prepared-statement cache (``MSSQLStatementCache``). Guarded by `lock`, under which its
    /// accesses never overlap: no dynamic exclusivity checks.
    @exclusivity(unchecked) var statementCache: MSSQLStatementCache
    /// The configuration the connection was opened with (the password stays hidden in its description).
    public let configuration: ConnectionConfiguration

    private init(handle: DBLibHandle, configuration: ConnectionConfiguration, statementCache: StatementCacheSettings) {
        self.handle = handle
        self.configuration = configuration
        self.statementCache = MSSQLStatementCache(statementCache)
    }

    deinit { handle.close() }

    /// Opens a connection and sets the session up: `TEXTSIZE` at its maximum (so `(max)` values are not cut at
    /// 4 KB), the ANSI options SQL Server's own drivers set, and `IMPLICIT_TRANSACTIONS ON`.
    ///
    /// Login is configured in code only: host, port (1433 by default) or `host\instance` (the port asked of the
    /// SQL Server Browser on UDP 1434, or on `options["browser_port"]` where the Browser is forwarded elsewhere),
    /// database, user, password, application name, TDS 7.4 (`options["tds_version"]` may say 7.0–7.3), the login
    /// timeout (`ConnectionConfiguration.connectTimeout`, 15 s by default, at most a day; one deadline for the
    /// Browser lookup and the login) and UTF-8 as the client charset. `options["prepare_threshold"]` and
    /// `options["prepared_max"]` set the automatic prepared-statement cache (see ``prepareThreshold``).
    /// `ConnectionConfiguration.queryTimeout` limits each statement (see ``cancel()`` for how).
    /// TLS follows `ConnectionConfiguration.tls`: `disable` tells the server the client cannot encrypt (a server
    /// that requires TLS then ends the connection, so the login fails); `allow` and `prefer` encrypt the login when
    /// the server has a certificate and the whole session when it requires TLS; `require` asks for TLS on the whole
    /// session and fails when the server offers none (certificate not verified); `verifyCA` also verifies the
    /// certificate chain against `ConnectionConfiguration.tlsRootCertificatePath` (the system's trusted CAs when
    /// `nil`), and `verifyFull` also checks that it names the host. For `require` and the verified modes, FreeTDS
    /// 1.3 accepts a server answering ENCRYPT_OFF (not allowed by [MS-TDS]; SQL Server answers ENCRYPT_ON): it then
    /// encrypts only the login packet and continues in plaintext, without telling the driver, so this cannot be
    /// refused here; the password stays protected, the rest of the session does not. The driver hands these
    /// settings to FreeTDS in a private, short-lived freetds.conf section holding no secret; no freetds.conf of your
    /// own is needed.
    ///
    /// A login that fails with a transient fault (Azure SQL's 40613, 40197, 40501, 4060 … during a failover, or
    /// DB-Library's network errors 20009, 20003, 20017: `TransientFault`) is retried as
    /// `ConnectionConfiguration.connectRetry` says (once, after 10 s, by default).
    public static func connect(_ configuration: ConnectionConfiguration) throws -> MSSQLConnection {
        if let backend = configuration.backend, backend != .sqlServer {
            throw DatabaseError.invalidConfiguration("the configuration is for \(backend.rawValue), not SQL Server")
        }
        try MSSQLDriver.rejectEntraSignIn(configuration)
        try configuration.checkNoNULCharacters()
        let cacheSettings = try StatementCacheSettings(options: configuration.options)
        let handle = try ConnectRetry.run(configuration) { try DBLibHandle.open($0) }
        handle.queryTimeout = configuration.queryTimeout.flatMap { $0 > 0 ? $0 : nil }
        let connection = MSSQLConnection(handle: handle, configuration: configuration, statementCache: cacheSettings)
        do {
            try handle.runToEnd(MSSQLConnection.sessionSetup)
        } catch {
            handle.close()
            throw error
        }
        return connection
    }

    /// The session options set after login.
    static let sessionSetup = """
        SET TEXTSIZE 2147483647; SET ANSI_NULLS ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON; \
        SET CONCAT_NULL_YIELDS_NULL ON; SET QUOTED_IDENTIFIER ON; SET IMPLICIT_TRANSACTIONS ON
        """

    /// `SQLDialect.sqlServer`: `@P1`, `@P2`, … placeholders.
    public var dialect: SQLDialect { .sqlServer }

    /// Opens a cursor.
    public func cursor() throws -> any DatabaseCursor {
        try makeCursor()
    }

    /// Opens a cursor, typed.
    public func makeCursor() throws -> MSSQLCursor {
        try withHandle { _ in }
        return MSSQLCursor(connection: self)
    }

    /// Runs `body` with the handle while holding the lock; `owner` claims the wire for its results (any other
    /// cursor's pending results are discarded first).
    func withHandle<T>(
        owner: ObjectIdentifier? = nil, claim: Bool = false, _ body: (DBLibHandle) throws -> T
    ) throws -> T {
        if isReadingInPlaceHere {
            throw DatabaseError.misuse(
                "a forEachRowView body is reading this connection's rows in place: use the connection after it returns")
        }
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw DatabaseError(kind: .connectionLost, message: "the connection is closed") }
        if claim {
            if resultOwner != nil { handle.discardResults() }
            resultOwner = owner
            claims.add(1, ordering: .relaxed)
        } else if let owner, resultOwner != owner {
            throw DatabaseError.misuse(
                "another statement ran on this connection since; this cursor's pending results were discarded")
        }
        do {
            return try body(handle)
        } catch let error as DatabaseError where error.kind == .connectionLost {
            broken = true
            throw error
        }
    }

    /// The number of wire claims so far (see `claims`).
    var claimCount: Int { claims.load(ordering: .relaxed) }

    /// Lets go of the wire if cursor `owner` holds it, discarding its pending results.
    func release(_ owner: ObjectIdentifier) {
        if isReadingInPlaceHere {
            // This thread holds the lock, inside a view body: the reading cursor's results go when its batch ends.
            if resultOwner == owner, !closed { releaseDeferred = true }
            return
        }
        lock.withLock {
            guard resultOwner == owner, !closed else { return }
            handle.discardResults()
            resultOwner = nil
        }
    }

    /// Runs a session command (no parameters, rows discarded), claiming the wire.
    func runCommand(_ sql: String) throws {
        try withHandle(claim: true) { try $0.runToEnd(sql) }
    }

    /// Commits the open transaction, if any (`IF @@TRANCOUNT > 0 COMMIT TRAN`).
    public func commit() throws {
        try runCommand("IF @@TRANCOUNT > 0 COMMIT TRAN")
    }

    /// Rolls back the open transaction, if any (`IF @@TRANCOUNT > 0 ROLLBACK TRAN`).
    public func rollback() throws {
        try runCommand("IF @@TRANCOUNT > 0 ROLLBACK TRAN")
    }

    /// Whether each statement commits on its own.
    public var autocommit: Bool { withState { autocommitEnabled } }

    /// Turns autocommit on (committing the open transaction, then `SET IMPLICIT_TRANSACTIONS OFF`) or off
    /// (`SET IMPLICIT_TRANSACTIONS ON`).
    public func setAutocommit(_ enabled: Bool) throws {
        if enabled {
            try runCommand("IF @@TRANCOUNT > 0 COMMIT TRAN; SET IMPLICIT_TRANSACTIONS OFF")
        } else {
            try runCommand("SET IMPLICIT_TRANSACTIONS ON")
        }
        withState { autocommitEnabled = enabled }
    }

    /// Sets the isolation level of this session's transactions (`SET TRANSACTION ISOLATION LEVEL …`).
    public func setIsolationLevel(_ level: MSSQLIsolationLevel) throws {
        try runCommand("SET TRANSACTION ISOLATION LEVEL \(level.rawValue)")
    }

    /// `false` once closed, once DB-Library marked the connection dead, or once a call on it failed with
    /// `DatabaseError.Kind.connectionLost`.
    public var isAlive: Bool {
        withState { !closed && !broken && !handle.isDead }
    }

    /// ``isAlive``, then a zero-timeout look at the socket (no round trip): `false` when the server has closed the
    /// connection (a restart, a failover) or sent something unasked, so a pool never lends it. While another
    /// thread runs a statement on the connection, only ``isAlive`` is consulted.
    public func isAliveCheckingSocket() -> Bool {
        guard lock.try() else { return isAlive }
        defer { lock.unlock() }
        guard !closed, !handle.isDead else { return false }
        guard resultOwner == nil else { return true }
        if handle.socketIsOpen() { return true }
        broken = true
        return false
    }

    /// Runs `SELECT 1`; throws `DatabaseError.Kind.connectionLost` when the server is gone.
    public func ping() throws {
        try runCommand("SELECT 1")
    }

    /// Cancels the running statement, if any, from any thread. The statement fails with
    /// `DatabaseError.Kind.cancelled` and the connection stays usable.
    ///
    /// DB-Library's `dbcancel` must not be called while another thread is inside a call on the same
    /// `DBPROCESS`, so this only raises a flag; the interrupt handler (`dbsetinterrupt`), which FreeTDS calls about
    /// once a second while the statement's thread waits for the server, sees it and makes FreeTDS send an
    /// attention and read the server's acknowledgement on that thread. A cancel therefore takes effect within
    /// about one second; the query timeout works the same way.
    ///
    /// A cancel stops the statement in flight — from its send until its results are read or discarded — either
    /// while a call waits (within about a second) or at the statement's next call. With no statement in flight it
    /// does nothing, and it never affects a statement that starts later (as libpq's `PQcancel` and pymssql's
    /// `cancel()`): a caller that cannot be sure the statement has started cancels again until it returns.
    public func cancel() {
        handle.requestCancel()
    }

    /// Returns and forgets informational messages (severity 10 or below) and PRINT output. The login's
    /// "Changed database context" (5701) and "Changed language setting" (5703) messages are dropped.
    public func takeNotices() -> [DatabaseNotice] {
        handle.messages.takeNotices()
    }

    /// Closes the connection (`dbclose`); the server rolls back an open transaction. Idempotent.
    public func close() {
        if isReadingInPlaceHere {
            // This thread holds the lock, inside a view body: the handle closes when the body's batch ends.
            guard !closed else { return }
            closed = true
            resultOwner = nil
            claims.add(1, ordering: .relaxed)
            closeDeferred = true
            return
        }
        lock.withLock {
            guard !closed else { return }
            closed = true
            resultOwner = nil
            claims.add(1, ordering: .relaxed)
            handle.close()
        }
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { withState { closed } }

    /// Does what ``close()`` or ``release(_:)`` put off while a view body held the lock (``readingInPlace(_:)``);
    /// the lock is held.
    func finishDeferred() {
        if releaseDeferred {
            releaseDeferred = false
            if !closed { handle.discardResults() }
            resultOwner = nil
        }
        if closeDeferred {
            closeDeferred = false
            handle.close()
        }
    }
}
