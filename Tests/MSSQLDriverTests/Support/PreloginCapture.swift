import Foundation
import Synchronization

/// A one-shot TCP listener on 127.0.0.1 that accepts one client, reads its first TDS packet (the PRELOGIN), keeps
/// the ENCRYPTION option's byte, and hangs up: it shows what a client asked for, whatever then becomes of its login.
///
/// The accepting thread holds only the listener and the result box, never the capture, and waits for the client in
/// `poll` rounds of 100 ms; ``cancel()`` (called by `deinit`, or from a test's `defer`) ends the wait, so that
/// neither the thread nor the socket outlives a test whose client never came. Only the thread closes the listener.
final class PreloginCapture: @unchecked Sendable {
    /// The port to connect to.
    let port: Int
    private let listener: Int32
    private let box = Box()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What the accepting thread hands over.
    private final class Box: Sendable {
        let result = Mutex<Result<UInt8, any Error>?>(nil)
        let cancelled = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
    }

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw Failure(description: "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard listening else {
            close(listener)
            throw Failure(description: "bind/listen failed")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let box = self.box
        let thread = Thread {
            let outcome = Result { try Self.acceptOne(listener, cancelled: box.cancelled) }
            // The thread owns the listener from here: closed once accept has returned (a client, or cancel()).
            close(listener)
            box.result.withLock { $0 = outcome }
            box.done.signal()
        }
        thread.start()
    }

    deinit { cancel() }

    /// Stops waiting for a client: the thread ends within a poll round. Idempotent.
    func cancel() {
        box.cancelled.store(true, ordering: .relaxed)
    }

    /// The ENCRYPTION byte the client sent (0 off, 1 on, 2 not supported, 3 required), once it has connected.
    func encryptionByte() throws -> UInt8 {
        guard box.done.wait(timeout: .now() + 60) == .success else { throw Failure(description: "no client came") }
        box.done.signal()
        return try box.result.withLock { try $0!.get() }
    }

    private static func acceptOne(_ listener: Int32, cancelled: borrowing Atomic<Bool>) throws -> UInt8 {
        var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        while poll(&ready, 1, 100) <= 0 {
            if cancelled.load(ordering: .relaxed) { throw Failure(description: "cancelled before a client came") }
        }
        let client = accept(listener, nil, nil)
        guard client >= 0 else { throw Failure(description: "accept failed") }
        defer { close(client) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let header = try read(client, count: 8)
        guard header[0] == 0x12 else { throw Failure(description: "packet type \(header[0]) is not PRELOGIN") }
        let payload = try read(client, count: (Int(header[2]) << 8 | Int(header[3])) - 8)
        var index = 0
        while index + 5 <= payload.count, payload[index] != 0xFF {
            let offset = Int(payload[index + 1]) << 8 | Int(payload[index + 2])
            let length = Int(payload[index + 3]) << 8 | Int(payload[index + 4])
            if payload[index] == 0x01, length >= 1, offset < payload.count { return payload[offset] }
            index += 5
        }
        throw Failure(description: "the PRELOGIN has no ENCRYPTION option")
    }

    private static func read(_ descriptor: Int32, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = bytes[received...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard result > 0 else { throw Failure(description: "the client closed before a whole packet") }
            received += result
        }
        return bytes
    }
}
