import DBCore
import Foundation

extension PGConnection {
    /// ``isAlive``, then a zero-timeout look at the socket (no round trip): `false` when the server has closed
    /// the connection, as after a restart or failover, so a pool never lends it. When another thread is using the
    /// connection, only ``isAlive`` is consulted (the socket belongs to that statement).
    public func isAliveCheckingSocket() -> Bool {
        guard isAlive else { return false }
        guard lock.try() else { return true }
        defer { lock.unlock() }
        guard activeStream == nil else { return true }
        if handle.socketIsOpen() { return true }
        markBroken()
        return false
    }
}
