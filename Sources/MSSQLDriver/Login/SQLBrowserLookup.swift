import DBCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds a named instance's TCP port by asking the SQL Server Browser on UDP port 1434 of its host ([MC-SQLR]
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

    /// Asks every address of `host` for `instance`'s TCP port, resending each second, until an answer names it or
    /// `timeout` seconds pass. Throws ``DatabaseError/Kind/connectionFailed`` when the host does not resolve or
    /// no answer came.
    static func port(host: String, instance: String, timeout: Double) throws -> Int {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, "1434", &hints, &list)
        guard resolved == 0, let list else {
            throw DatabaseError(
                kind: .connectionFailed,
                message: "could not resolve \(host) to ask its SQL Server Browser for instance '\(instance)': "
                    + String(cString: gai_strerror(resolved)) + " [server \(host)\\\(instance)]")
        }
        defer { freeaddrinfo(list) }

        var targets: [(descriptor: Int32, address: UnsafeMutablePointer<sockaddr>, length: socklen_t)] = []
        defer { for target in targets { close(target.descriptor) } }
        for entry in sequence(first: list, next: { $0.pointee.ai_next }) {
            guard let address = entry.pointee.ai_addr else { continue }
            let descriptor = socket(entry.pointee.ai_family, Int32(SOCK_DGRAM.rawValue), 0)
            guard descriptor >= 0 else { continue }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            targets.append((descriptor, address, entry.pointee.ai_addrlen))
        }

        let request = request(instance: instance)
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(max(0.1, timeout) * 1000))
        var nextSend = clock.now
        var buffer = [UInt8](repeating: 0, count: 65_538)
        while !targets.isEmpty, clock.now < deadline {
            if clock.now >= nextSend {
                for target in targets {
                    _ = request.withUnsafeBytes {
                        sendto(target.descriptor, $0.baseAddress, $0.count, 0, target.address, target.length)
                    }
                }
                nextSend = clock.now + .seconds(1)
            }
            var descriptors = targets.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            let wait = min(nextSend, deadline) - clock.now
            let milliseconds = Int32(clamping: max(0, Int((wait / .milliseconds(1)).rounded(.up))))
            guard poll(&descriptors, nfds_t(descriptors.count), milliseconds) > 0 else { continue }
            for polled in descriptors where polled.revents & Int16(POLLIN) != 0 {
                let count = buffer.withUnsafeMutableBytes { recv(polled.fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { continue }
                if let port = tcpPort(inResponse: Array(buffer[..<count]), instance: instance) { return port }
            }
        }
        let seconds = timeout.rounded() == timeout ? String(Int(timeout)) : String(timeout)
        throw DatabaseError(
            kind: .connectionFailed,
            message: "the SQL Server Browser (UDP port 1434 on \(host)) gave no TCP port for instance '\(instance)' "
                + "within \(seconds) s: the instance may not exist there, or the Browser may not be running or "
                + "reachable [server \(host)\\\(instance)]")
    }
}
