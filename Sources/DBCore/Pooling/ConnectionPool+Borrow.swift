import Dispatch
import Logging
import Synchronization

extension ConnectionPool {
    /// Borrows a connection for the length of `body`, from any thread (not from async code: it blocks while
    /// it waits or connects; use the async form there). The connection goes back to the pool when `body`
    /// returns or throws, reset if `body` used it.
    ///
    /// Throws ``DatabaseError/Kind/timeout`` when no connection becomes free within
    /// ``PoolConfiguration/acquireTimeout``, or the connect error when a new connection cannot be opened.
    @available(*, noasync, message: "blocks the thread; from async code use the async withConnection")
    public func withConnection<T>(_ body: (PooledConnection) throws -> T) throws -> T {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Borrows a connection until ``release(_:)``; prefer ``withConnection(_:)-(_)``, which cannot forget to
    /// return it. Blocks up to `timeout` seconds (``PoolConfiguration/acquireTimeout`` by default).
    @available(*, noasync, message: "blocks the thread; from async code use acquireAsync")
    public func acquire(timeout: Double? = nil) throws -> PooledConnection {
        let wait = timeout ?? settings.acquireTimeout
        let start = PoolClock.now()
        let deadline = DispatchTime(uptimeNanoseconds: start + UInt64(Swift.max(0, wait) * 1e9))
        while true {
            switch takeIdleOrRoom(asyncWaiter: nil) {
            case .entry(let entry):
                if checkHealth(entry) { return lend(entry) }
                discard(entry, reason: "failed its health check")
            case .slot:
                return lend(try openEntry())
            case .failure(let error):
                throw error
            case .wait(let waiter):
                if !waiter.wait(until: deadline) {
                    let failure = exhaustedError(waited: PoolClock.seconds(from: start, to: PoolClock.now()))
                    if expire(waiter, with: failure) {
                        logger.warning("borrower timed out", metadata: ["db.pool.waited": "\(wait)"])
                        throw failure
                    }
                    // Granted just as the wait ended: the grant is set; the semaphore signal is not needed.
                }
                switch state.withLock({ _ in waiter.grant })! {
                case .entry(let entry): return lend(entry)
                case .slot: return lend(try openEntry())
                case .failure(let error): throw error
                }
            }
        }
    }

    /// Returns a borrowed connection: resets its session if it was used, then lends it to a waiter or keeps it
    /// idle; closes it instead when it is broken, too old, or the pool is closed. Returning twice does nothing.
    public func release(_ connection: PooledConnection) {
        guard let entry = connection.detach() else { return }
        if settings.resetsSessions, connection.wasUsed, !entry.connection.isClosed {
            do {
                try entry.connection.resetSession()
            } catch {
                logger.debug("reset failed", metadata: ["db.connection": "\(entry.id)", "error": "\(error)"])
                discard(entry, reason: "failed its session reset")
                return
            }
        }
        putBack(entry)
    }

    /// What a borrower gets from one look at the pool.
    enum Take {
        case entry(PoolEntry)
        case slot
        case wait(PoolWaiter)
        case failure(DatabaseError)
    }

    /// Takes the warmest idle connection, or room to open one, or queues a waiter: `asyncWaiter` (whose
    /// continuation is set), or a new blocking one. Allocates nothing unless it queues.
    func takeIdleOrRoom(asyncWaiter: PoolWaiter?) -> Take {
        state.withLock { state in
            switch takeNow(&state) {
            case .entry(let entry): return .entry(entry)
            case .slot: return .slot
            case .failure(let error): return .failure(error)
            case nil: break
            }
            let queued = asyncWaiter ?? PoolWaiter(blocking: true)
            state.waiters.append(queued)
            return .wait(queued)
        }
    }

    /// Whether an idle connection may be lent: young enough, alive, and answering a ping if it sat idle long.
    func checkHealth(_ entry: PoolEntry) -> Bool {
        let now = PoolClock.now()
        if let lifetime = settings.maximumLifetime, entry.age(at: now) >= lifetime { return false }
        guard entry.connection.isAliveCheckingSocket() else { return false }
        guard entry.idleTime(at: now) >= settings.pingAfterIdle else { return true }
        do {
            try entry.connection.ping()
            return true
        } catch {
            return false
        }
    }

    /// Opens a connection on this thread into room already counted in `open`; gives the room up on failure.
    func openEntry() throws -> PoolEntry {
        do {
            let connection = try source.connectBlocking()
            return registerOpened(connection, thread: nil)
        } catch {
            connectFailed(error)
            throw error
        }
    }

    /// Records a newly opened connection.
    func registerOpened(_ connection: any DatabaseConnection, thread: ConnectionThread?) -> PoolEntry {
        let id = state.withLock { state in
            state.created += 1
            state.nextID += 1
            return state.nextID
        }
        logger.debug("connection opened", metadata: ["db.connection": "\(id)"])
        return PoolEntry(connection: connection, id: id, thread: thread)
    }

    /// Gives up the room of a connection that could not be opened.
    func connectFailed(_ error: any Error) {
        logger.warning("could not open a connection", metadata: ["error": "\(error)"])
        let waiter = state.withLock { state -> PoolWaiter? in
            state.open -= 1
            return ConnectionPool.handOffSlot(in: &state, maximumSize: settings.maximumSize)
        }
        waiter?.deliver()
    }

    /// Wraps an entry for a borrower.
    func lend(_ entry: PoolEntry) -> PooledConnection {
        trackLent(entry)
        logger.trace("connection acquired", metadata: ["db.connection": "\(entry.id)"])
        return PooledConnection(entry: entry)
    }

    /// Puts a returned connection back (to a waiter or the idle stack), or closes it when it is broken, too old
    /// or the pool is closed.
    func putBack(_ entry: PoolEntry) {
        let now = PoolClock.now()
        if entry.connection.isClosed || !entry.connection.isAlive {
            return discard(entry, reason: "is broken or closed")
        }
        if let lifetime = settings.maximumLifetime, entry.age(at: now) >= lifetime {
            return discard(entry, reason: "reached its maximum lifetime", pruned: true)
        }
        entry.lastReleased = now
        let outcome = state.withLock { state -> (closed: Bool, waiter: PoolWaiter?) in
            if state.closed { return (true, nil) }
            _ = ConnectionPool.untrackLent(entry, in: &state)
            return (false, ConnectionPool.handOff(entry, in: &state))
        }
        if outcome.closed { return discard(entry, reason: "was returned to a closed pool") }
        logger.trace("connection released", metadata: ["db.connection": "\(entry.id)"])
        outcome.waiter?.deliver()
    }

    /// Closes a connection the pool holds (lent or just taken out) and gives its room to a waiter.
    func discard(_ entry: PoolEntry, reason: String, pruned: Bool = false) {
        let waiter = state.withLock { state -> PoolWaiter? in
            guard ConnectionPool.untrackLent(entry, in: &state) else { return nil }  // a shutdown counted it
            state.open -= 1
            state.discarded += 1
            if pruned { state.pruned += 1 }
            return ConnectionPool.handOffSlot(in: &state, maximumSize: settings.maximumSize)
        }
        logger.debug("connection discarded", metadata: ["db.connection": "\(entry.id)", "db.reason": "\(reason)"])
        entry.retire()
        waiter?.deliver()
    }
}
