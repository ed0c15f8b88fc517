import DBCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds a named instance's TCP port by asking the SQL Server Browser on UDP port 1434 of its host (or the port
/// `options["browser_port"]` gives) ([MC-SQLR]
/// CLNT_UCAST_INST, answered by SVR_RESP), before the login.
///
/// FreeTDS can ask too, but it tries 16 times a second apart whatever the login timeout, and it would do so
/// inside the process-wide login lock (every other login waiting); a Browser that does not know the instance
/// stays silent, so a mistyped name would cost 16 s. Here the wait is the configuration's connect timeout, outside
/// the lock, and the error says what was asked of whom.
enum SQLBrowserLookup {
    /// The CLNT_UCAST_INST datagram for `instance`: `0x04`, the name, a NUL.
    static func request(instance: String) -> [UInt8] {
        [0x04] + Array(instance.utf8) + [0]
    }

    /// The TCP port a SVR_RESP datagram gives for `instance` (matched case-insensitively), or `nil` when the
    /// datagram is not such an answer. The data is `key;value;…` records, each ending with an empty key (`;;`).
    static func tcpPort(inResponse datagram: [UInt8], instance: String) -> Int? {
        guard datagram.count > 3, datagram[0] == 0x05 else { return nil }
        let length = Int(datagram[1]) | Int(datagram[2]) << 8
        let text = String(decoding: datagram[3..<min(datagram.count, 3 + length)], as: UTF8.self)
        let tokens = text.split(separator: ";", omittingEmptySubsequences: false)
        var record: [String: Substring] = [:]
        var index = 0
        func matchingPort() -> Int? {
            guard let name = record["instancename"], name.caseInsensitiveCompare(instance) == .orderedSame,
                let tcp = record["tcp"], let port = Int(tcp), (1...65535).contains(port)
            else { return nil }
            return port
        }
        while index < tokens.count {
            let key = tokens[index]
            if key.isEmpty {
                if let port = matchingPort() { return port }
                record = [:]
                index += 1
                continue
            }
            guard index + 1 < tokens.count else { break }
            record[key.lowercased()] = tokens[index + 1]
            index += 2
        }
        return matchingPort()
    }

    /// Asks every address of `host` for `instance`'s TCP port on UDP `browserPort` (1434 unless
    /// `options["browser_port"]` says otherwise), resending each second, until an answer names it or `timeout`
    /// seconds pass (kept between 0.1 s and a day). Each socket is connected to its address, so only that address's
    /// datagrams are read, and a host where nothing listens on the port (ICMP port unreachable) fails at once.
    /// Throws ``DatabaseError/Kind/connectionFailed`` when the host does not resolve, no socket could be opened,
    /// or no answer came.
    static func port(host: String, instance: String, browserPort: Int = 1434, timeout: Double) throws -> Int {
        let browser = "the SQL Server Browser (UDP port \(browserPort) on \(host))"
        let suffix = " [server \(host)\\\(instance)]"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(browserPort), &hints, &list)
        guard resolved == 0, let list else {
            throw DatabaseError(
                kind: .connectionFailed,
                message: "could not resolve \(host) to ask its SQL Server Browser for instance '\(instance)': "
                    + String(cString: gai_strerror(resolved)) + suffix)
        }
        defer { freeaddrinfo(list) }

        var descriptors: [Int32] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        var socketError: Int32?
        for entry in sequence(first: list, next: { $0.pointee.ai_next }) {
            guard let address = entry.pointee.ai_addr else { continue }
            let descriptor = socket(entry.pointee.ai_family, Int32(SOCK_DGRAM.rawValue), 0)
            guard descriptor >= 0 else {
                socketError = errno
                continue
            }
            guard connect(descriptor, address, entry.pointee.ai_addrlen) == 0 else {
                socketError = errno
                close(descriptor)
                continue
            }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            descriptors.append(descriptor)
        }
        if descriptors.isEmpty {
            let reason = socketError.map { String(cString: strerror($0)) } ?? "no usable address"
            throw DatabaseError(
                kind: .connectionFailed,
                message: "could not open a UDP socket to ask \(browser) for instance '\(instance)': \(reason)" + suffix)
        }

        let request = request(instance: instance)
        let clock = ContinuousClock()
        let limit = timeout.isNaN ? 15 : min(max(0.1, timeout), 86_400)
        let deadline = clock.now + .milliseconds(Int(limit * 1000))
        var nextSend = clock.now
        var buffer = [UInt8](repeating: 0, count: 65_538)
        var receiveError: Int32?
        while !descriptors.isEmpty, clock.now < deadline {
            if clock.now >= nextSend {
                for descriptor in descriptors {
                    _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
                }
                nextSend = clock.now + .seconds(1)
            }
            var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = min(nextSend, deadline) - clock.now
            let milliseconds = Int32(clamping: max(0, Int((wait / .milliseconds(1)).rounded(.up))))
            guard poll(&polled, nfds_t(polled.count), milliseconds) > 0 else { continue }
            var failed: Set<Int32> = []
            for entry in polled where entry.revents & Int16(POLLIN | POLLERR) != 0 {
                let count = buffer.withUnsafeMutableBytes { recv(entry.fd, $0.baseAddress, $0.count, 0) }
                if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                    // ECONNREFUSED: the address said that nothing listens on the port.
                    receiveError = errno
                    failed.insert(entry.fd)
                    continue
                }
                guard count > 0 else { continue }
                if let port = tcpPort(inResponse: Array(buffer[..<count]), instance: instance) { return port }
            }
            for descriptor in failed { close(descriptor) }
            descriptors.removeAll { failed.contains($0) }
        }
        if descriptors.isEmpty, let receiveError {
            let reason =
                receiveError == ECONNREFUSED
                ? "nothing listens on that port (connection refused); the Browser may not be running"
                : String(cString: strerror(receiveError))
            throw DatabaseError(
                kind: .connectionFailed,
                message: "\(browser) gave no TCP port for instance '\(instance)': \(reason)" + suffix)
        }
        let seconds = limit.rounded() == limit ? String(Int(limit)) : String(limit)
        throw DatabaseError(
            kind: .connectionFailed,
            message: "\(browser) gave no TCP port for instance '\(instance)' within \(seconds) s: the instance may not "
                + "exist there, or the Browser may not be running or reachable" + suffix)
    }
}
