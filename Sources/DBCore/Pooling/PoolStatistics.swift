/// A snapshot of a pool's counters, read with ``ConnectionPool/statistics``.
///
/// `open == idle + inUse` always holds within one snapshot (connections being opened count as in use).
public struct PoolStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Connections open now or being opened.
    public var open: Int
    /// Open connections waiting in the pool.
    public var idle: Int
    /// Connections lent out, or being opened for a borrower.
    public var inUse: Int
    /// Borrowers waiting for a connection now.
    public var waiters: Int
    /// Connections opened since the pool was created.
    public var created: Int
    /// Connections closed by the pool since it was created: broken, failed a reset, too old, idle too long, or
    /// closed with the pool.
    public var discarded: Int
    /// Of ``discarded``, those closed for the idle timeout or the maximum lifetime while idle.
    public var pruned: Int
    /// Connections handed out since the pool was created.
    public var acquired: Int
    /// Borrowers that gave up waiting (timeout or cancellation).
    public var timeouts: Int

    /// `open=… idle=… inUse=… waiters=… created=… discarded=…`.
    public var description: String {
        "open=\(open) idle=\(idle) inUse=\(inUse) waiters=\(waiters) created=\(created) discarded=\(discarded) "
            + "pruned=\(pruned) acquired=\(acquired) timeouts=\(timeouts)"
    }
}
