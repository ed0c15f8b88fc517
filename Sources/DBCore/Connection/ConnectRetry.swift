import Foundation
import Logging

/// Runs a driver's connect under a ``ConnectRetryPolicy``: a failure that ``TransientFault`` calls transient is
/// tried again after the policy's wait, up to its count; anything else is thrown at once.
public enum ConnectRetry {
    /// The logger retries go to when the policy names none.
    static let defaultLogger = Logger(label: "DBCore.ConnectRetry")

    /// Calls `attempt` until it succeeds, fails with an error that is not transient, or the policy's retries are
    /// used up. Blocks the calling thread while it waits (drivers connect on their own threads, never on Swift's
    /// cooperative pool). The error thrown after retries is the last attempt's, its message ending with the list of
    /// attempts (`attempt 1 of 2: …; attempt 2 of 2: …`).
    ///
    /// - Parameters:
    ///   - configuration: Its ``ConnectionConfiguration/connectRetry`` is the policy; its host, port and database
    ///     name the target in the log (never the password).
    ///   - attempt: One connect.
    public static func run<T>(
        _ configuration: ConnectionConfiguration, _ attempt: (ConnectionConfiguration) throws -> T
    ) throws -> T {
        let policy = configuration.connectRetry
        let retries = Swift.max(0, Swift.min(policy.count, 255))
        var failures: [DatabaseError] = []
        while true {
            do {
                return try attempt(configuration)
            } catch let error as DatabaseError {
                failures.append(error)
                let attempts = retries + 1
                guard TransientFault.isTransientAtConnect(error), failures.count <= retries else {
                    throw failures.count == 1 ? error : listing(failures, of: attempts)
                }
                let delay = policy.delay(beforeRetry: failures.count, jitter: Double.random(in: 0..<1))
                var logger = policy.logger ?? defaultLogger
                logger[metadataKey: "db.server"] = "\(configuration.host):\(configuration.effectivePort)"
                logger.notice(
                    "transient connect failure; retrying",
                    metadata: [
                        "db.retry": "\(failures.count) of \(retries)",
                        "db.retry.delay": "\(String(format: "%.2f", delay))s",
                        "error": "\(error.description)",
                    ])
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            }
        }
    }

    /// The last failure, its message listing every attempt.
    static func listing(_ failures: [DatabaseError], of attempts: Int) -> DatabaseError {
        var last = failures[failures.count - 1]
        let list = failures.enumerated().map { index, error in
            "attempt \(index + 1) of \(attempts): \(error.description)"
        }
        last.message +=
            " (the connect failed \(failures.count) times with a transient fault: "
            + list.joined(separator: "; ") + ")"
        return last
    }
}
