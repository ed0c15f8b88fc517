import CSybDB
import DBCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DBLibHandle {
    /// Whether the idle connection's socket is still open, without a round trip: a zero-timeout `poll`; if the
    /// socket is readable, a one-byte `MSG_PEEK` tells an end of file (the server closed it) from data. An idle TDS
    /// connection receives nothing unasked, so data counts as not usable either (it would be read as the answer
    /// to the next request). Never blocks; reads nothing. Call under the connection's lock.
    func socketIsOpen() -> Bool {
        guard !isDead, let dbproc = try? live(nil) else { return false }
        let descriptor = dbiordesc(dbproc)
        guard descriptor >= 0 else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var ready = poll(&entry, 1, 0)
        while ready < 0 && errno == EINTR { ready = poll(&entry, 1, 0) }
        if ready <= 0 { return true }
        if entry.revents & Int16(POLLNVAL | POLLERR | POLLHUP) != 0 { return false }
        var byte: UInt8 = 0
        let peeked = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return true }
        return false
    }
}
