import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// ``SQLBrowserLookup`` on the wire, against hand-made UDP sockets on a loopback address of their own.
@Suite("SQL Server Browser lookup: sockets")
struct BrowserLookupSocketTests {
    /// A UDP socket bound to `host`, port 0 (a free one); returns the descriptor and the port.
    static func udpSocket(host: String) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        if !bound { close(descriptor) }
        try #require(bound)
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A SVR_RESP datagram naming `instance` on `port`.
    static func answer(instance: String, port: Int) -> [UInt8] {
        let text = "ServerName;H;InstanceName;\(instance);IsClustered;No;Version;16.0.1000.6;tcp;\(port);;"
        return [0x05, UInt8(text.utf8.count), 0] + Array(text.utf8)
    }

    @Test("an answer from another port than the Browser's is ignored; the Browser's own is taken")
    func answerFromAStrangerIsIgnored() throws {
        let host = "127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        let browser = try Self.udpSocket(host: host)
        defer { close(browser.descriptor) }
        let stranger = try Self.udpSocket(host: host)
        defer { close(stranger.descriptor) }
        // On the first request: the stranger answers first (a wrong port), then the Browser (the right one).
        let responder = Thread {
            var buffer = [UInt8](repeating: 0, count: 512)
            var client = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = withUnsafeMutablePointer(to: &client) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    buffer.withUnsafeMutableBytes {
                        recvfrom(browser.descriptor, $0.baseAddress, $0.count, 0, address, &length)
                    }
                }
            }
            guard received > 0 else { return }
            for (descriptor, port) in [(stranger.descriptor, 11_111), (browser.descriptor, 22_222)] {
                let reply = Self.answer(instance: "SANDBOX", port: port)
                _ = withUnsafePointer(to: &client) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                        reply.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, address, length) }
                    }
                }
            }
        }
        responder.start()
        let port = try SQLBrowserLookup.port(
            host: host, instance: "SANDBOX", browserPort: browser.port, timeout: 30)
        #expect(port == 22_222)
    }
}
