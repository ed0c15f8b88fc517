import Dispatch
import Logging
import Synchronization

extension ConnectionPool {
    /// One maintenance pass: closes idle connections past the idle timeout (keeping the minimum idle count) or
    /// past their maximum lifetime, then opens connections up to the minimum idle count. Runs on the pool's
    /// maintenance queue every ``PoolConfiguration/maintenanceInterval``; call it to prune at once.
    public func prune() {
        let now = PoolClock.now()
        let settings = self.settings
        let (expired, missing) = state.withLock { state -> ([PoolEntry], Int) in
            guard !state.closed else { return ([], 0) }
            var removableForIdleness = Swift.max(0, state.idle.count - settings.minimumIdle)
            var kept: [PoolEntry] = []
            var expired: [PoolEntry] = []
            for entry in state.idle {
                if let lifetime = settings.maximumLifetime, entry.age(at: now) >= lifetime {
                    expired.append(entry)
                } else if let idleTimeout = settings.idleTimeout, removableForIdleness > 0,
                    entry.idleTime(at: now) >= idleTimeout
                {
                    expired.append(entry)
                    removableForIdleness -= 1
                } else {
                    kept.append(entry)
                }
            }
            if !expired.isEmpty {
                state.idle = kept
                state.open -= expired.count
                state.discarded += expired.count
                state.pruned += expired.count
            }
            var missing = 0
            if state.waiters.isEmpty {
                missing = Swift.min(
                    Swift.max(0, settings.minimumIdle - state.idle.count), settings.maximumSize - state.open)
                state.open += missing
            }
            return (expired, missing)
        }
        for entry in expired {
            logger.debug("idle connection pruned", metadata: ["db.connection": "\(entry.id)"])
            entry.retire()
        }
        for _ in 0..<missing {
            do {
                putBack(registerOpened(try source.connectBlocking(), thread: nil))
            } catch {
                connectFailed(error)
            }
        }
    }

    func maintain() { prune() }
}

/// A repeating timer on a private serial queue (never Swift's cooperative pool: maintenance may connect).
///
/// `@unchecked Sendable`: the timer source is created, resumed and cancelled only under `lock`.
final class MaintenanceTimer: @unchecked Sendable {
    private let lock = Mutex<Bool>(false)
    private var source: (any DispatchSourceTimer)?
    private let queue = DispatchQueue(label: "DBCore.ConnectionPool.maintenance")

    /// Calls `tick` every `interval` seconds until ``stop()``.
    func start(interval: Double, _ tick: @escaping @Sendable () -> Void) {
        lock.withLock { stopped in
            guard !stopped, source == nil else { return }
            let timer = DispatchSource.makeTimerSource(queue: queue)
            let nanoseconds = Int(interval * 1e9)
            timer.schedule(
                deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds),
                leeway: .nanoseconds(nanoseconds / 10))
            timer.setEventHandler(handler: tick)
            timer.resume()
            source = timer
        }
    }

    /// Stops the timer for good. Idempotent.
    func stop() {
        lock.withLock { stopped in
            stopped = true
            source?.cancel()
            source = nil
        }
    }
}
