import Foundation
import NIOCore
import NIOPosix

/// A SQL Server Browser stand-in ([MC-SQLR]): answers UDP requests for named instances' TCP ports, so that clients
/// can connect to `host\instance`.
///
/// It answers CLNT_UCAST_INST (`0x04` + instance name) with SVR_RESP (`0x05`, the data length as a little-endian
/// UInt16, then `ServerName;…;InstanceName;…;IsClustered;No;Version;…;tcp;PORT;;`) for a known instance, and stays
/// silent for an unknown one, as SQL Server's Browser does (clients then time out). CLNT_BCAST_EX and CLNT_UCAST_EX
/// (`0x02`, `0x03`) get every instance. Instance names match case-insensitively.
///
/// SQL Server's Browser listens on UDP 1434 (not a privileged port, but one a real Browser on the machine may hold on
/// every address); clients that can be told another port (MSSQLDriver's `options["browser_port"]`) can use any port.
/// To run several side by side (parallel tests), bind each on its own loopback address (Linux routes all of
/// 127.0.0.0/8 to `lo`) and start the ``TDSSandboxServer`` on that same address:
///
/// ```swift
/// let host = "127.23.41.7"
/// let sandboxPort = try sandbox.start(host: host, port: 0, engineFactory: factory)
/// let browser = SQLBrowserResponder(instances: [.init(name: "SANDBOX", tcpPort: sandboxPort)])
/// try browser.start(host: host)
/// defer { browser.stop() }
/// // connect to host\SANDBOX
/// ```
///
/// `@unchecked Sendable`: the channel and event-loop group are guarded by a lock; the instances never change.
public final class SQLBrowserResponder: @unchecked Sendable {
    /// One named instance the responder announces.
    public struct Instance: Sendable, Hashable {
        /// The instance name (at most 32 bytes in [MC-SQLR]).
        public var name: String
        /// The TCP port the instance listens on.
        public var tcpPort: Int

        /// Creates an instance entry.
        public init(name: String, tcpPort: Int) {
            self.name = name
            self.tcpPort = tcpPort
        }
    }

    /// The server name sent in each answer.
    public let serverName: String
    /// The version sent in each answer.
    public let version: String
    /// The instances announced.
    public let instances: [Instance]

    private let lock = NSLock()
    private var group: MultiThreadedEventLoopGroup?
    private var channel: (any Channel)?
    private var started = false

    /// Creates a responder for `instances`; it listens once ``start(host:port:)`` is called.
    public init(serverName: String = "TDSSANDBOX", version: String = "16.0.1000.6", instances: [Instance]) {
        self.serverName = serverName
        self.version = version
        self.instances = instances
    }

    /// Starts answering on UDP `host:port` (1434 by default; 0 picks a free port) and returns the bound port. A
    /// responder starts once: a second call throws, as does one after ``stop()``.
    @discardableResult
    public func start(host: String, port: Int = 1434) throws -> Int {
        let claimed = lock.withLock { () -> Bool in
            guard !started else { return false }
            started = true
            return true
        }
        guard claimed else { throw TDSProtocolError("the SQL Browser responder was already started") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = DatagramBootstrap(group: group)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SQLBrowserHandler(responder: self))
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        guard let bound = channel.localAddress?.port else {
            try? channel.close().wait()
            try? group.syncShutdownGracefully()
            throw TDSProtocolError("the SQL Browser socket has no port")
        }
        lock.withLock {
            self.group = group
            self.channel = channel
        }
        return bound
    }

    /// Stops answering and releases the event-loop thread. Idempotent.
    public func stop() {
        let (channel, group) = lock.withLock {
            defer {
                self.channel = nil
                self.group = nil
            }
            return (self.channel, self.group)
        }
        try? channel?.close().wait()
        try? group?.syncShutdownGracefully()
    }

    /// The SVR_RESP datagram for one request, or `nil` when the Browser stays silent (an unknown instance, a DAC
    /// request, a malformed or unknown message).
    public func answer(to request: [UInt8]) -> [UInt8]? {
        guard let kind = request.first else { return nil }
        let chosen: [Instance]
        switch kind {
        case 0x02, 0x03:
            chosen = instances
        case 0x04:
            var nameBytes = request.dropFirst()
            if let end = nameBytes.firstIndex(of: 0) { nameBytes = nameBytes[..<end] }
            guard !nameBytes.isEmpty, nameBytes.count <= 32 else { return nil }
            let asked = String(decoding: nameBytes, as: UTF8.self)
            chosen = instances.filter { $0.name.caseInsensitiveCompare(asked) == .orderedSame }
        default:
            return nil
        }
        guard !chosen.isEmpty else { return nil }
        let text = chosen.map { instance in
            "ServerName;\(serverName);InstanceName;\(instance.name);IsClustered;No;Version;\(version);"
                + "tcp;\(instance.tcpPort);;"
        }.joined()
        let data = Array(text.utf8)
        // SVR_RESP: at most 1,024 bytes for one instance, 65,535 for all.
        guard data.count <= (kind == 0x04 ? 1024 : 65535) else { return nil }
        return [0x05, UInt8(data.count & 0xFF), UInt8(data.count >> 8)] + data
    }
}

/// Answers each datagram through ``SQLBrowserResponder/answer(to:)``, to the address it came from.
private final class SQLBrowserHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let responder: SQLBrowserResponder

    init(responder: SQLBrowserResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let request = Array(envelope.data.readableBytesView)
        guard let reply = responder.answer(to: request) else { return }
        let buffer = context.channel.allocator.buffer(bytes: reply)
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed send (the client went away) must not stop the responder.
    }
}
