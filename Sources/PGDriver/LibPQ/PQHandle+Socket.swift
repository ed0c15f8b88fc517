import CLibPQ
import DBCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PQHandle {
    /// Whether the idle connection is still open, judged from its socket without a round trip: a zero-timeout
    /// `poll` for readability; what the server sent while the connection sat idle is read with `PQconsumeInput`
    /// (a FATAL 57P01 before a restart closes it arrives as a notice), and an end of file makes libpq mark the
    /// connection bad. Never blocks. Call under the connection's lock, with no statement in flight.
    func socketIsOpen() -> Bool {
        guard let connection, PQstatus(connection) == CONNECTION_OK else { return false }
        let descriptor = PQsocket(connection)
        guard descriptor >= 0 else { return false }
        // A few rounds: the server's last message, then its end of file, may arrive as separate reads.
        for _ in 0..<8 {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, 0)
            if ready == 0 { return true }
            if ready < 0 {
                if errno == EINTR { continue }
                return true
            }
            if entry.revents & Int16(POLLNVAL) != 0 { return false }
            guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else { return false }
            _ = PQisBusy(connection)  // parses what arrived: notices, parameter changes, a FATAL message
        }
        return PQstatus(connection) == CONNECTION_OK
    }
}
