import DBCore
import Logging
import ServiceLifecycle

/// A ``DBCore/ConnectionPool`` run as a swift-service-lifecycle `Service`, so that a `ServiceGroup` (a Hummingbird
/// application's, or your own) shuts it down with the rest of the process.
///
/// ```swift
/// let pool = ConnectionPool(driver: PGDriver(), configuration: configuration)
/// let group = ServiceGroup(
///     services: [ConnectionPoolService(pool, gracePeriod: .seconds(10)), server],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// ``run()`` keeps the pool until graceful shutdown, then shuts it down with
/// ``DBCore/ConnectionPool/shutdown(gracePeriod:)``: no new borrows, borrowers get up to ``gracePeriod`` to
/// return their connections, then every connection is closed. A `ServiceGroup` shuts its services down in
/// reverse order: list the pool before the services that borrow from it, so that they stop first. When the task
/// is cancelled instead (the group's cancellation, or its `maximumGracefulShutdownDuration` passing), the
/// remaining connections close at once.
public struct ConnectionPoolService: Service, CustomStringConvertible {
    /// The pool this service runs.
    public let pool: ConnectionPool
    /// How long borrowers may keep their connections once graceful shutdown began.
    public let gracePeriod: Duration
    private let logger: Logger

    /// Runs `pool` as a service.
    ///
    /// - Parameters:
    ///   - pool: The pool; the service closes it at shutdown.
    ///   - gracePeriod: How long borrowers may keep their connections once graceful shutdown began; 10 s by
    ///     default.
    ///   - logger: Where the shutdown's summary goes (at `info`).
    public init(
        _ pool: ConnectionPool, gracePeriod: Duration = .seconds(10),
        logger: Logger = Logger(label: "DBServiceLifecycle.ConnectionPoolService")
    ) {
        self.pool = pool
        self.gracePeriod = gracePeriod
        var logger = logger
        logger[metadataKey: "db.pool"] = "\(pool.name)"
        self.logger = logger
    }

    /// `ConnectionPoolService(backend://user@host:port/database)`.
    public var description: String { "ConnectionPoolService(\(pool.name))" }

    /// Keeps the pool until graceful shutdown or cancellation, then shuts it down; returns once every connection
    /// is closed.
    public func run() async throws {
        let report: PoolShutdownReport
        do {
            try await gracefulShutdown()
            report = await pool.shutdown(gracePeriod: gracePeriod.seconds)
        } catch {
            report = await pool.shutdown(gracePeriod: 0)
        }
        logger.info("connection pool shut down", metadata: ["db.pool.shutdown": "\(report)"])
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
