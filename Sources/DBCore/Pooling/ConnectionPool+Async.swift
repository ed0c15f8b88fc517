import Dispatch
import Logging
import Synchronization

extension ConnectionPool {
    /// Borrows a connection for the length of `body`, from async code: `body` gets an ``AsyncConnection`` whose
    /// calls run on the pooled connection's own thread (never on Swift's cooperative pool). The connection goes
    /// back to the pool when `body` returns, throws, or its task is cancelled (the reset runs anyway).
    ///
    /// Waiting for a free connection suspends the task (no thread blocks); cancelling the task ends the wait
    /// with ``DatabaseError/Kind/cancelled``. Throws ``DatabaseError/Kind/timeout`` after
    /// ``PoolConfiguration/acquireTimeout``.
    public func withConnection<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: (AsyncConnection) async throws -> T
    ) async throws -> T {
        let pooled = try await acquireAsync()
        let connection = AsyncConnection(pooled, thread: pooled.thread)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(connection))
        } catch {
            result = .failure(error)
        }
        await releaseAsync(pooled)
        return try result.get()
    }

    /// Borrows a connection from async code until ``releaseAsync(_:)``; prefer
    /// ``withConnection(isolation:_:)``. Waits up to `timeout` seconds (``PoolConfiguration/acquireTimeout``
    /// by default).
    public func acquireAsync(timeout: Double? = nil) async throws -> PooledConnection {
        let wait = timeout ?? settings.acquireTimeout
        let start = PoolClock.now()
        let deadline = DispatchTime(uptimeNanoseconds: start + UInt64(Swift.max(0, wait) * 1e9))
        while true {
            let grant: PoolWaiter.Grant
            if let taken = takeWithoutWaiting() {
                grant = taken
            } else {
                grant = await waitForGrant(deadline: deadline, start: start)
            }
            switch grant {
            case .entry(let entry):
                if await checkHealthAsync(entry) { return lend(entry) }
                discard(entry, reason: "failed its health check")
            case .slot:
                return lend(try await openEntryAsync())
            case .failure(let error):
                throw error
            }
        }
    }

    /// Returns a connection borrowed with ``acquireAsync(timeout:)``: the reset runs on the connection's thread.
    /// Returning twice does nothing.
    public func releaseAsync(_ connection: PooledConnection) async {
        guard let entry = connection.detach() else { return }
        if settings.resetsSessions, connection.wasUsed, !entry.connection.isClosed {
            let pooled = entry.connection
            do {
                try await entry.thread.run { try pooled.resetSession() }
            } catch {
                logger.debug("reset failed", metadata: ["db.connection": "\(entry.id)", "error": "\(error)"])
                discard(entry, reason: "failed its session reset")
                return
            }
        }
        putBack(entry)
    }

    /// An idle connection or room for a new one, without queueing; `nil` when the borrower must wait.
    private func takeWithoutWaiting() -> PoolWaiter.Grant? {
        state.withLock { state in takeNow(&state) }
    }

    /// Under the lock: an idle connection, room for a new one, the closed error, or `nil`.
    func takeNow(_ state: inout PoolState) -> PoolWaiter.Grant? {
        if state.closed { return .failure(closedError) }
        if let entry = state.idle.popLast() {
            state.acquired += 1
            return .entry(entry)
        }
        if state.open < settings.maximumSize {
            state.open += 1
            state.acquired += 1
            return .slot
        }
        return nil
    }

    /// Queues the task until a connection or room is handed to it, the deadline passes, or it is cancelled.
    private func waitForGrant(deadline: DispatchTime, start: UInt64) async -> PoolWaiter.Grant {
        let waiter = PoolWaiter(blocking: false)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PoolWaiter.Grant, Never>) in
                let immediate = state.withLock { state -> PoolWaiter.Grant? in
                    if waiter.cancelled { return .failure(ConnectionPool.cancelledWhileWaiting) }
                    if let grant = takeNow(&state) { return grant }
                    waiter.continuation = continuation
                    // The timer is set while the waiter is queued (under the lock), so whoever removes the waiter
                    // later finds it and cancels it when delivering: an early grant leaves no timer behind.
                    waiter.timer = timeoutTimer(for: waiter, deadline: deadline, start: start)
                    state.waiters.append(waiter)
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                }
            }
        } onCancel: {
            state.withLock { _ in waiter.cancelled = true }
            if expire(waiter, with: ConnectionPool.cancelledWhileWaiting) { waiter.deliver() }
        }
    }

    /// A one-shot timer that fails `waiter` with the pool-exhausted error at `deadline` if it still waits; cancelled
    /// by ``PoolWaiter/deliver()`` when the wait ends first.
    private func timeoutTimer(for waiter: PoolWaiter, deadline: DispatchTime, start: UInt64) -> any DispatchSourceTimer
    {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        timer.schedule(deadline: deadline, leeway: .milliseconds(10))
        timer.setEventHandler { [weak self, weak waiter] in
            guard let self, let waiter else { return }
            let failure = exhaustedError(waited: PoolClock.seconds(from: start, to: PoolClock.now()))
            if expire(waiter, with: failure) {
                logger.warning("borrower timed out", metadata: ["db.pool.waited": "\(failure.message)"])
                waiter.deliver()
            }
        }
        timer.resume()
        return timer
    }

    static let cancelledWhileWaiting = DatabaseError(
        kind: .cancelled, message: "the task was cancelled while it waited for a pooled connection")

    /// ``checkHealth(_:)`` with the ping on the connection's thread.
    private func checkHealthAsync(_ entry: PoolEntry) async -> Bool {
        let now = PoolClock.now()
        if let lifetime = settings.maximumLifetime, entry.age(at: now) >= lifetime { return false }
        guard entry.connection.isAliveCheckingSocket() else { return false }
        guard entry.idleTime(at: now) >= settings.pingAfterIdle else { return true }
        let connection = entry.connection
        do {
            try await entry.thread.run { try connection.ping() }
            return true
        } catch {
            return false
        }
    }

    /// Opens a connection on a new connection thread into room already counted in `open`.
    private func openEntryAsync() async throws -> PoolEntry {
        let thread = ConnectionThread(name: "DBCore.pool.connection")
        do {
            let connection = try await source.connect(on: thread)
            return registerOpened(connection, thread: thread)
        } catch {
            thread.stop()
            connectFailed(error)
            throw error
        }
    }
}
