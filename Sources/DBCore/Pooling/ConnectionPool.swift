import Dispatch
import Logging
import Synchronization

/// A pool of open connections to one database, for either driver, safe to share between threads and tasks.
///
/// Borrow a connection for the length of a closure; it goes back to the pool when the closure returns, throws,
/// or its task is cancelled:
///
/// ```swift
/// let pool = ConnectionPool(driver: PGDriver(), configuration: configuration)
/// let rows = try pool.withConnection { connection in        // from a thread
///     try connection.query("SELECT name FROM inventory")
/// }
/// let count = try await pool.withConnection { connection in  // from async code
///     try await connection.query("SELECT count(*) FROM inventory")[0].get(Int.self, at: 0)
/// }
/// ```
///
/// - Only live connections are handed out: each is checked with ``DatabaseConnection/isAliveCheckingSocket()``
///   (the C library's status and a zero-timeout look at the socket, so a connection whose server restarted is
///   found without a round trip) and, when it sat idle longer than ``PoolConfiguration/pingAfterIdle``, a
///   `ping()`; broken ones are closed and replaced.
/// - A returned connection the borrower used is reset (``DatabaseConnection/resetSession()``): no transaction,
///   temporary table or `SET` reaches the next borrower.
/// - At most ``PoolConfiguration/maximumSize`` connections are open; further borrowers wait up to
///   ``PoolConfiguration/acquireTimeout``, then fail with ``DatabaseError/Kind/timeout``.
/// - Idle connections close after ``PoolConfiguration/idleTimeout``, any connection after
///   ``PoolConfiguration/maximumLifetime``; ``PoolConfiguration/minimumIdle`` connections are kept open.
/// - With a ``TokenCredential``, every new connection signs in with a fresh Entra ID token.
///
/// Events go to a swift-log `Logger` (label `DBCore.ConnectionPool`): opened and closed connections at `debug`,
/// each borrow and return at `trace`, failures at `warning`. Passwords and tokens never appear.
public final class ConnectionPool: Sendable {
    /// The settings the pool was created with (normalised).
    public let settings: PoolConfiguration
    /// The configuration connections are opened with (without a credential's token).
    public var configuration: ConnectionConfiguration { source.configuration }
    /// `backend://user@host:port/database`: the pool's name in logs and errors.
    public let name: String

    let source: ConnectionSource
    let logger: Logger
    let state = Mutex(PoolState())
    private let maintenance = MaintenanceTimer()

    /// Creates a pool; no connection opens until the first borrow (or the minimum idle count asks for some).
    ///
    /// - Parameters:
    ///   - driver: The driver that opens connections (`PGDriver()`, `MSSQLDriver()`).
    ///   - configuration: Where to connect. With a `credential`, its password is replaced by a token.
    ///   - credential: Signs every new connection in with a fresh Entra ID token, if given. When the configuration's
    ///     ``ConnectionConfiguration/authentication`` names an Entra ID method, pass the credential it names
    ///     (DBAzureIdentity's `configuration.configuredCredential()`); without one, connects fail with
    ///     ``DatabaseError/Kind/invalidConfiguration`` (``ConnectionConfiguration/checkEntraSignInResolved()``).
    ///   - scopes: The token's scopes; by default the one for the driver's database family (``EntraScope``).
    ///   - settings: Size and timeouts; the process-wide ``PoolConfiguration/default`` unless given.
    ///   - logger: Where pool events go.
    public init(
        driver: any DatabaseDriver, configuration: ConnectionConfiguration, credential: (any TokenCredential)? = nil,
        scopes: [String]? = nil, settings: PoolConfiguration = .default,
        logger: Logger = Logger(label: "DBCore.ConnectionPool")
    ) {
        var source = ConnectionSource(
            driver: driver, configuration: configuration, credential: credential,
            scopes: scopes ?? [EntraScope.scope(for: configuration.backend ?? driver.backend)])
        self.settings = settings.normalized
        self.name = source.name
        var logger = logger
        logger[metadataKey: "db.pool"] = "\(source.name)"
        self.logger = logger
        source.retryLogger = logger
        self.source = source
        if let interval = self.settings.effectiveMaintenanceInterval {
            maintenance.start(interval: interval) { [weak self] in self?.maintain() }
        }
    }

    deinit {
        maintenance.stop()
        let entries = state.withLock { state in
            defer { state.idle.removeAll() }
            return state.idle
        }
        for entry in entries { entry.retire() }
    }

    /// The pool's counters now.
    public var statistics: PoolStatistics {
        state.withLock { state in
            PoolStatistics(
                open: state.open, idle: state.idle.count, inUse: state.open - state.idle.count,
                waiters: state.waiters.count, created: state.created, discarded: state.discarded,
                pruned: state.pruned, acquired: state.acquired, timeouts: state.timeouts)
        }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Closes the pool: idle connections close now, borrowed ones when they come back; waiting borrowers and
    /// later ones get ``DatabaseError/Kind/connectionLost``. Idempotent.
    public func close() {
        closeCounting()
    }

    /// ``close()``, returning what it found in the same moment: the idle connections it closed, the waiters it
    /// refused, and how many connections were lent out (all zero but `lent` when the pool was already closed).
    @discardableResult
    func closeCounting() -> (idle: Int, waiters: Int, lent: Int) {
        maintenance.stop()
        var lent = 0
        let (entries, waiters) = state.withLock { state -> ([PoolEntry], [PoolWaiter]) in
            lent = state.shutdown.lent.count
            guard !state.closed else { return ([], []) }
            state.closed = true
            let entries = state.idle
            let waiters = state.waiters
            state.idle.removeAll()
            state.waiters.removeAll()
            state.open -= entries.count
            state.discarded += entries.count
            for waiter in waiters { waiter.grant = .failure(closedError) }
            return (entries, waiters)
        }
        for waiter in waiters { waiter.deliver() }
        for entry in entries { entry.retire() }
        logger.debug("pool closed", metadata: ["db.connections.closed": "\(entries.count)"])
        return (entries.count, waiters.count, lent)
    }

    var closedError: DatabaseError {
        DatabaseError(kind: .connectionLost, message: "the connection pool \(name) is closed")
    }

    /// The error for a borrower that waited `waited` seconds in vain.
    func exhaustedError(waited: Double) -> DatabaseError {
        let waiting = state.withLock { $0.waiters.count }
        let seconds = waited.formatted(decimals: 3)
        return DatabaseError(
            kind: .timeout,
            message: "no connection became free within \(seconds) s: all \(settings.maximumSize) connections "
                + "(maximumSize \(settings.maximumSize)) of pool \(name) are in use, \(waiting) other borrowers "
                + "waiting; return connections sooner, or raise PoolConfiguration.maximumSize or acquireTimeout")
    }
}

/// The pool's mutable state, guarded by ``ConnectionPool/state``.
struct PoolState {
    /// Idle connections, least recently returned first; borrowers take the last (warmest).
    var idle: [PoolEntry] = []
    /// Borrowers waiting, first come first served.
    var waiters: [PoolWaiter] = []
    /// Connections open or being opened.
    var open = 0
    var created = 0
    var discarded = 0
    var pruned = 0
    var acquired = 0
    var timeouts = 0
    var nextID = 0
    var closed = false
    /// Lent connections, for a graceful shutdown (ConnectionPool+Shutdown.swift).
    var shutdown = PoolShutdownState()
}

extension Double {
    /// The number with at most `decimals` digits after the point, trailing zeros dropped.
    func formatted(decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (self * scale).rounded() / scale
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
