import Dispatch
import Synchronization

/// One connection the pool owns, with its age and the thread its async calls run on.
///
/// `@unchecked Sendable`: `lastReleased` is written only by the party that holds the entry (the borrower, or the
/// pool while it opens it) before the entry goes back under the pool's lock, and read only after taking it out
/// under that lock; the thread slot has its own lock.
final class PoolEntry: @unchecked Sendable {
    /// The connection.
    let connection: any DatabaseConnection
    /// A number unique within the pool, for logs.
    let id: Int
    /// When it was opened (monotonic nanoseconds).
    let created: UInt64
    /// When it was last returned or opened (monotonic nanoseconds).
    var lastReleased: UInt64
    private let threadSlot: Mutex<ConnectionThread?>

    init(connection: any DatabaseConnection, id: Int, thread: ConnectionThread?) {
        self.connection = connection
        self.id = id
        self.created = PoolClock.now()
        self.lastReleased = created
        self.threadSlot = Mutex(thread)
    }

    /// The entry's connection thread for async use, started on first need.
    var thread: ConnectionThread {
        threadSlot.withLock { slot in
            if let slot { return slot }
            let thread = ConnectionThread(name: "DBCore.pool.connection.\(id)")
            slot = thread
            return thread
        }
    }

    /// Closes the connection and stops its thread. With a thread, the close runs there after any queued job,
    /// and this returns at once (async callers must not block); without one, it closes on the calling thread.
    func retire() {
        let connection = self.connection
        let thread = threadSlot.withLock { slot -> ConnectionThread? in
            defer { slot?.stop() }
            if let slot, slot.submit({ connection.close() }) { return slot }
            return nil
        }
        if thread == nil { connection.close() }
    }

    /// Seconds since it was opened.
    func age(at now: UInt64) -> Double { PoolClock.seconds(from: created, to: now) }
    /// Seconds since it was last returned.
    func idleTime(at now: UInt64) -> Double { PoolClock.seconds(from: lastReleased, to: now) }
}

/// Monotonic time for the pool, in nanoseconds.
enum PoolClock {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    static func seconds(from start: UInt64, to end: UInt64) -> Double {
        end > start ? Double(end - start) / 1e9 : 0
    }
}
