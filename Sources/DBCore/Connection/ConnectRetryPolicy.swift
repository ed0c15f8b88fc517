import Logging

/// How often and how long apart a connect that failed with a transient fault is tried again (ADO.NET's
/// `ConnectRetryCount` and `ConnectRetryInterval`; the defaults are theirs: 1 retry, 10 seconds).
///
/// Azure SQL and Azure Database for PostgreSQL drop and refuse connections for moments during failovers, scale
/// operations and restarts, and Microsoft's guidance is that clients retry those transient errors
/// (``TransientFault``). Only connects are retried (a driver's `connect`, and the connections a pool opens); a
/// statement is never retried. Each retry is logged at `notice`; when every attempt fails, the error thrown is the
/// last one, its message listing every attempt.
///
/// The wait before retry *n* is `interval × 2^(n−1)` (at most 60 s), varied by up to ±20 % (jitter, so clients
/// cut off together do not come back together).
///
/// ```swift
/// var configuration = try ConnectionConfiguration(parsing: connectionString)
/// // or ConnectRetryCount=3;ConnectRetryInterval=2 in the connection string
/// configuration.connectRetry = ConnectRetryPolicy(count: 3, interval: 2)
/// configuration.connectRetry = .none  // a single attempt
/// ```
public struct ConnectRetryPolicy: Sendable, Hashable, CustomStringConvertible {
    /// How many times a failed connect is tried again (0 to 255); 0 turns retrying off. 1 by default.
    public var count: Int
    /// The wait before the first retry, in seconds (0 to 60); later retries wait twice as long each time. 10 by
    /// default.
    public var interval: Double
    /// Where retries are logged (at `notice`); `nil` for the label `DBCore.ConnectRetry` (a pool logs its own
    /// connects to its logger). Not part of equality or hashing.
    public var logger: Logger?

    /// Creates a policy.
    public init(count: Int = 1, interval: Double = 10, logger: Logger? = nil) {
        self.count = count
        self.interval = interval
        self.logger = logger
    }

    /// ADO.NET's defaults: 1 retry after 10 seconds.
    public static var `default`: ConnectRetryPolicy { ConnectRetryPolicy() }

    /// No retry: a single attempt.
    public static var none: ConnectRetryPolicy { ConnectRetryPolicy(count: 0) }

    /// The valid ranges ADO.NET allows: `count` 0–255, `interval` 0–60 s.
    static let countRange = 0...255
    static let intervalRange = 0.0...60.0

    /// The wait before retry `retry` (1-based) with `jitter` drawn from 0..<1: `interval × 2^(retry−1)`, at most
    /// 60 s, times 0.8 to 1.2.
    func delay(beforeRetry retry: Int, jitter: Double) -> Double {
        let base = Swift.min(60, Swift.max(0, interval) * Double(1 << Swift.min(Swift.max(retry - 1, 0), 6)))
        return base * (0.8 + 0.4 * jitter)
    }

    /// `count=1 interval=10s`.
    public var description: String { "count=\(count) interval=\(interval)s" }

    /// Equal when `count` and `interval` are.
    public static func == (lhs: ConnectRetryPolicy, rhs: ConnectRetryPolicy) -> Bool {
        lhs.count == rhs.count && lhs.interval == rhs.interval
    }

    /// Hashes `count` and `interval`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(interval)
    }
}
