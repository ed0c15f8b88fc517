import Dispatch
import Logging
import Synchronization

/// What ``ConnectionPool/shutdown(gracePeriod:)`` did.
public struct PoolShutdownReport: Sendable, Hashable, CustomStringConvertible {
    /// Idle connections closed as the shutdown began.
    public var closedIdle: Int
    /// Borrowed connections whose borrowers returned them within the grace period (each then closed).
    public var returnedInTime: Int
    /// Borrowed connections still out when the grace period ended (or the shutting-down task was cancelled):
    /// their running statement was cancelled and they were closed under their borrowers, whose next call fails
    /// with ``DatabaseError/Kind/connectionLost``.
    public var forceClosed: Int
    /// Borrowers that were waiting for a connection and got ``DatabaseError/Kind/connectionLost`` instead.
    public var refusedWaiters: Int
    /// Whether the shutdown ended the wait early because its task was cancelled.
    public var cancelled: Bool

    /// `closedIdle=… returnedInTime=… forceClosed=… refusedWaiters=…`, plus `cancelled` when it was.
    public var description: String {
        "closedIdle=\(closedIdle) returnedInTime=\(returnedInTime) forceClosed=\(forceClosed) "
            + "refusedWaiters=\(refusedWaiters)" + (cancelled ? " cancelled" : "")
    }
}

extension ConnectionPool {
    /// Shuts the pool down gracefully: stops new borrows, waits for borrowers up to `gracePeriod` seconds, then
    /// closes every connection.
    ///
    /// 1. The pool closes as ``close()`` does: idle connections close now; waiting and later borrowers get
    ///    ``DatabaseError/Kind/connectionLost`` ("the connection pool … is closed").
    /// 2. Borrowers keep their connections and may finish their work; each returned connection is closed.
    /// 3. After `gracePeriod` seconds, or at once when the calling task is cancelled, connections still borrowed
    ///    have their running statement cancelled and are closed under their borrowers (whose next call fails with
    ///    ``DatabaseError/Kind/connectionLost``); returning them later is harmless and counts nothing twice.
    ///
    /// It returns once no connection of the pool is open (``statistics`` then shows `open == 0`): the waits are
    /// bounded by `gracePeriod`, by the cancel of a running statement, and by the connect timeout of a connection
    /// being opened at that moment. Calling it again, or after ``close()``, drains what is still out.
    ///
    /// - Parameter gracePeriod: How long borrowers may keep their connections, in seconds; 0 closes them at once.
    /// - Returns: What was closed, and how.
    @discardableResult
    public func shutdown(gracePeriod: Double) async -> PoolShutdownReport {
        // One look at the pool as it closes: a connection returned a moment later counts as returned in time.
        let (idle, refused, lentAtStart) = closeCounting()
        var report = PoolShutdownReport(
            closedIdle: idle, returnedInTime: 0, forceClosed: 0, refusedWaiters: refused, cancelled: false)
        logger.debug(
            "pool shutting down",
            metadata: ["db.pool.borrowed": "\(lentAtStart)", "db.pool.grace": "\(gracePeriod.formatted(decimals: 3))"])

        let deadline = ContinuousClock.now + .nanoseconds(Int64(Swift.max(0, gracePeriod) * 1e9))
        report.cancelled = !(await waitUntilDrained(deadline: deadline))
        let forced = state.withLock { state in ConnectionPool.takeLentForClosing(in: &state) }
        report.returnedInTime = Swift.max(0, lentAtStart - forced.count)
        report.forceClosed = forced.count
        if !forced.isEmpty {
            logger.warning(
                "closing connections still borrowed after the grace period",
                metadata: ["db.pool.forceClosed": "\(forced.count)"])
            await ConnectionPool.closeUnderBorrowers(forced)
        }
        // Connections being opened when the pool closed are closed as soon as they are lent (see trackLent).
        if !report.cancelled {
            report.cancelled = !(await waitUntilDrained(deadline: nil))
        }
        logger.debug("pool shut down", metadata: ["db.pool.shutdown": "\(report)"])
        return report
    }

    /// Waits until no connection is open, `deadline` passes, or the task is cancelled; `false` when cancelled.
    /// Polls the count every few milliseconds (the pool signals nothing when its last connection closes).
    private func waitUntilDrained(deadline: ContinuousClock.Instant?) async -> Bool {
        while state.withLock({ $0.open }) > 0 {
            if let deadline, ContinuousClock.now >= deadline { return true }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                return false
            }
        }
        return true
    }

    /// Under the lock: every lent connection, now uncounted (no longer open for ``statistics``) and marked so that
    /// its return counts nothing.
    static func takeLentForClosing(in state: inout PoolState) -> [PoolEntry] {
        let entries = Array(state.shutdown.lent.values)
        state.shutdown.lent.removeAll()
        for entry in entries { state.shutdown.forceClosed.insert(entry.id) }
        state.open -= entries.count
        state.discarded += entries.count
        state.shutdown.forcing = true
        return entries
    }

    /// Cancels the running statement of each connection and closes it, off Swift's cooperative pool (a close
    /// waits for the statement to end); returns when all are closed.
    static func closeUnderBorrowers(_ entries: [PoolEntry]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for entry in entries {
                DispatchQueue.global().async(group: group) {
                    entry.connection.cancel()
                    entry.connection.close()
                    entry.retire()
                }
            }
            group.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// Records that `entry` is lent. A connection lent after a shutdown closed the borrowed ones (it was being
    /// taken or opened as the pool closed) is closed and uncounted at once: its borrower's calls fail.
    func trackLent(_ entry: PoolEntry) {
        let late = state.withLock { state -> Bool in
            guard state.shutdown.forcing else {
                state.shutdown.lent[entry.id] = entry
                return false
            }
            state.shutdown.forceClosed.insert(entry.id)
            state.open -= 1
            state.discarded += 1
            return true
        }
        if late {
            logger.debug("connection closed: lent after the pool shut down", metadata: ["db.connection": "\(entry.id)"])
            entry.retire()
        }
    }

    /// Under the lock, when `entry` comes back or is discarded: forgets it as lent. `false` when a shutdown
    /// already closed and uncounted it (the caller then counts nothing).
    static func untrackLent(_ entry: PoolEntry, in state: inout PoolState) -> Bool {
        state.shutdown.lent[entry.id] = nil
        return state.shutdown.forceClosed.remove(entry.id) == nil
    }
}

/// What a graceful shutdown needs to know about lent connections, part of ``PoolState``.
struct PoolShutdownState {
    /// Connections lent out now, by ``PoolEntry/id``.
    var lent: [Int: PoolEntry] = [:]
    /// Connections a shutdown closed under their borrowers and no longer counts as open.
    var forceClosed: Set<Int> = []
    /// Whether a shutdown has closed the borrowed connections (later lends close at once).
    var forcing = false
}
