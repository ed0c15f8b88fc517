import Synchronization

/// How a ``ConnectionPool`` sizes, checks and retires its connections.
///
/// Every pool starts from the process-wide ``default``, set once at startup; pass a changed copy to override
/// a setting for one pool:
///
/// ```swift
/// PoolConfiguration.default.maximumSize = 20          // every pool made from now on
/// var reporting = PoolConfiguration.default
/// reporting.maximumSize = 2                            // this pool only
/// let pool = ConnectionPool(driver: PGDriver(), configuration: configuration, settings: reporting)
/// ```
///
/// Times are in seconds.
public struct PoolConfiguration: Sendable, Hashable {
    /// The most connections the pool opens at once (in use, idle and being opened). 10 by default.
    public var maximumSize: Int
    /// How many idle connections the pool keeps open even when unused, opening them in the background. 0 by
    /// default.
    public var minimumIdle: Int
    /// How long a connection may sit idle before it is closed; `nil` to keep idle connections. 300 s by default.
    public var idleTimeout: Double?
    /// How long a connection may live before it is closed (when next idle or returned); `nil` for no limit.
    /// 1800 s by default.
    public var maximumLifetime: Double?
    /// How long a borrower waits for a connection when all are in use before it gets a
    /// ``DatabaseError/Kind/timeout`` error. 30 s by default.
    public var acquireTimeout: Double
    /// A connection idle longer than this gets a `ping()` round trip before it is handed out; one used more
    /// recently is checked with ``DatabaseConnection/isAliveCheckingSocket()`` only (no round trip). 1 s by
    /// default; 0 pings every time.
    public var pingAfterIdle: Double
    /// Whether a returned connection's session is reset (``DatabaseConnection/resetSession()``) before the next
    /// borrower gets it. Only connections the borrower used are reset. `true` by default.
    public var resetsSessions: Bool
    /// How often idle connections are checked for the idle timeout, the lifetime and the minimum; `nil` derives
    /// it from the two timeouts (a quarter of the shorter, between 10 ms and 30 s).
    public var maintenanceInterval: Double?

    /// Creates settings; unspecified ones take the built-in defaults (not ``default``).
    public init(
        maximumSize: Int = 10, minimumIdle: Int = 0, idleTimeout: Double? = 300, maximumLifetime: Double? = 1800,
        acquireTimeout: Double = 30, pingAfterIdle: Double = 1, resetsSessions: Bool = true,
        maintenanceInterval: Double? = nil
    ) {
        self.maximumSize = maximumSize
        self.minimumIdle = minimumIdle
        self.idleTimeout = idleTimeout
        self.maximumLifetime = maximumLifetime
        self.acquireTimeout = acquireTimeout
        self.pingAfterIdle = pingAfterIdle
        self.resetsSessions = resetsSessions
        self.maintenanceInterval = maintenanceInterval
    }

    private static let processDefault = Mutex(PoolConfiguration())

    /// The process-wide defaults every new pool starts from. Changing them affects pools created afterwards.
    public static var `default`: PoolConfiguration {
        get { processDefault.withLock { $0 } }
        set { processDefault.withLock { $0 = newValue } }
    }

    /// The settings made valid: a size of at least 1, a minimum no larger than the size, no negative times.
    var normalized: PoolConfiguration {
        var settings = self
        settings.maximumSize = Swift.max(1, maximumSize)
        settings.minimumIdle = Swift.min(Swift.max(0, minimumIdle), settings.maximumSize)
        settings.acquireTimeout = Swift.max(0, acquireTimeout)
        settings.pingAfterIdle = Swift.max(0, pingAfterIdle)
        return settings
    }

    /// The interval of the maintenance timer, or `nil` when nothing needs it.
    var effectiveMaintenanceInterval: Double? {
        if let maintenanceInterval { return Swift.max(0.01, maintenanceInterval) }
        let shortest = [idleTimeout, maximumLifetime].compactMap { $0 }.min()
        guard let shortest else { return minimumIdle > 0 ? 30 : nil }
        return Swift.min(30, Swift.max(0.01, shortest / 4))
    }
}
