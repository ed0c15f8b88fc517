import Dispatch
import Synchronization

/// A borrower waiting for a connection: a blocked thread (a semaphore) or a suspended task (a continuation).
///
/// `@unchecked Sendable`: `grant`, `continuation` and `cancelled` are read and written only under the pool's
/// lock; ``deliver()`` runs after the grant is set, outside the lock, exactly once per waiter (whoever removes
/// the waiter from the queue delivers to it).
final class PoolWaiter: @unchecked Sendable {
    /// What a waiter is given.
    enum Grant {
        /// An idle connection, ready to use.
        case entry(PoolEntry)
        /// Room to open a new connection (already counted in `open`).
        case slot
        /// An error: timeout, cancellation, or the pool closed.
        case failure(DatabaseError)
    }

    var grant: Grant?
    var continuation: CheckedContinuation<Grant, Never>?
    var cancelled = false
    /// An async waiter's timeout timer, set under the pool's lock while the waiter is queued; cancelled by
    /// ``deliver()`` so that a wait that ends early leaves no timer (and no captured waiter) behind.
    var timer: (any DispatchSourceTimer)?
    private let semaphore: DispatchSemaphore?

    /// A waiter for a thread that blocks in ``wait(until:)``.
    init(blocking: Bool) {
        semaphore = blocking ? DispatchSemaphore(value: 0) : nil
    }

    /// Wakes the waiter. Call after setting `grant` and removing the waiter from the queue, outside the lock.
    func deliver() {
        if let timer {
            self.timer = nil
            timer.cancel()
        }
        if let semaphore {
            semaphore.signal()
        } else if let continuation, let grant {
            self.continuation = nil
            continuation.resume(returning: grant)
        }
    }

    /// Blocks until delivered or `deadline`; `false` on timeout.
    func wait(until deadline: DispatchTime) -> Bool {
        semaphore?.wait(timeout: deadline) == .success
    }
}

extension ConnectionPool {
    /// Gives a returned (or new) connection to the first waiter, if any; else puts it with the idle ones.
    /// Call under the lock; deliver the returned waiter after unlocking.
    static func handOff(_ entry: PoolEntry, in state: inout PoolState) -> PoolWaiter? {
        if !state.waiters.isEmpty {
            let waiter = state.waiters.removeFirst()
            waiter.grant = .entry(entry)
            state.acquired += 1
            return waiter
        }
        state.idle.append(entry)
        return nil
    }

    /// After a connection closed (`open` already lowered): gives its room to the first waiter, if any. Call under
    /// the lock; deliver the returned waiter after unlocking.
    static func handOffSlot(in state: inout PoolState, maximumSize: Int) -> PoolWaiter? {
        guard !state.closed, !state.waiters.isEmpty, state.open < maximumSize else { return nil }
        let waiter = state.waiters.removeFirst()
        waiter.grant = .slot
        state.open += 1
        state.acquired += 1
        return waiter
    }

    /// Removes `waiter` if it still waits, granting it `failure`; `true` when it did (then deliver it).
    func expire(_ waiter: PoolWaiter, with failure: DatabaseError) -> Bool {
        state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0 === waiter }) else { return false }
            state.waiters.remove(at: index)
            state.timeouts += 1
            waiter.grant = .failure(failure)
            return true
        }
    }
}
