import Foundation
import NIOCore
import NIOPosix

/// A TDS 7.4 server ([MS-TDS]) that hands every client session to its own ``SessionEngine``.
///
/// Each connection gets a session with its own engine, created at LOGIN7 by the factory, and its own serial
/// worker queue: the blocking engine never runs on an event loop. Results stream to the client packet by
/// packet with backpressure. A malformed message closes only the session that sent it.
///
/// ```swift
/// let server = TDSSandboxServer()
/// let port = try server.start(host: "127.0.0.1", port: 0, engineFactory: factory)
/// defer { server.stop() }
/// ```
///
/// With a certificate in ``TDSSandboxConfiguration/tls``, sessions negotiate TLS as SQL Server does for TDS 7.x
/// (see ``TDSSandboxEncryptionPolicy``); ``loginEncryptions`` reports how each login arrived.
///
/// Call ``stop()`` when done: it releases the event-loop threads.
///
/// `@unchecked Sendable`: its mutable state (the listening channel and the live sessions) is guarded by a lock.
public final class TDSSandboxServer: @unchecked Sendable {
    private let configuration: TDSSandboxConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let lock = NSLock()
    private var serverChannel: (any Channel)?
    private var sessions: [ObjectIdentifier: TDSSession] = [:]
    private var nextSPID: UInt16 = 51
    private var stopped = false
    private var loginEncryptionLog: [TDSSandboxSessionEncryption] = []
    private var failedHandshakes = 0

    /// Creates a server; it listens once ``start(host:port:engineFactory:)`` is called.
    public init(configuration: TDSSandboxConfiguration = TDSSandboxConfiguration()) {
        self.configuration = configuration
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
    }

    /// Starts listening on `host:port` (port 0 picks a free port) and returns the bound port.
    ///
    /// Throws ``TDSSandboxTLSError`` when the configuration's certificate or key cannot be loaded, or when its
    /// encryption policy needs a certificate and none is configured.
    @discardableResult
    public func start(host: String, port: Int, engineFactory: @escaping SessionEngineFactory) throws -> Int {
        let configuration = self.configuration
        let tlsContext = try Self.makeTLSContext(configuration)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                guard let self else { return channel.close() }
                let session = self.makeSession(channel: channel, factory: engineFactory)
                let arrival = LoginArrival()
                let handler = TDSChannelHandler(
                    session: session, maximumMessageSize: configuration.maximumMessageSize, loginArrival: arrival,
                    onClose: { [weak self] session in self?.remove(session) })
                let tls = TDSTLSHandler(serverContext: tlsContext, status: session.tlsStatus, spid: session.spid)
                return channel.eventLoop.makeCompletedFuture {
                    if let timeout = configuration.preloginTimeout {
                        try channel.pipeline.syncOperations.addHandler(
                            PreloginTimeoutHandler(
                                timeout: .nanoseconds(Int64(min(max(0.001, timeout), 1e9) * 1e9)), arrival: arrival))
                    }
                    try channel.pipeline.syncOperations.addHandlers([tls, handler])
                }
            }
        let channel = try bootstrap.bind(host: host, port: port).wait()
        lock.lock()
        serverChannel = channel
        lock.unlock()
        guard let bound = channel.localAddress?.port else {
            throw TDSProtocolError("the listening socket has no port")
        }
        return bound
    }

    /// Stops listening and closes every session. Idempotent.
    public func stop() {
        lock.lock()
        let listener = serverChannel
        let live = Array(sessions.values)
        serverChannel = nil
        let alreadyStopped = stopped
        stopped = true
        lock.unlock()
        guard !alreadyStopped else { return }
        try? listener?.close().wait()
        for session in live { try? session.channel.close().wait() }
        try? group.syncShutdownGracefully()
    }

    /// The number of open sessions.
    public var sessionCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return sessions.count
    }

    /// The encryption the LOGIN7s so far arrived under, in arrival order (whether or not the login then
    /// succeeded): ``TDSSandboxSessionEncryption/full`` proves the session's traffic went through TLS. Only the
    /// last ``loginEncryptionLimit`` are kept, so that a long-running sandbox does not grow without bound.
    public var loginEncryptions: [TDSSandboxSessionEncryption] {
        lock.lock()
        defer { lock.unlock() }
        return loginEncryptionLog
    }

    /// How many of the latest logins ``loginEncryptions`` keeps.
    public static let loginEncryptionLimit = 1000

    /// The number of closed sessions whose TLS handshake began and never completed (a client that rejected the
    /// certificate, a TLS error, or a client that went away during the handshake).
    public var failedHandshakeCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return failedHandshakes
    }

    private func makeSession(channel: any Channel, factory: @escaping SessionEngineFactory) -> TDSSession {
        lock.lock()
        defer { lock.unlock() }
        let spid = nextSPID
        nextSPID = nextSPID >= 32_000 ? 51 : nextSPID + 1
        let session = TDSSession(
            channel: channel, spid: spid, configuration: configuration, factory: factory,
            recordLogin: { [weak self] encryption in self?.recordLogin(encryption) })
        sessions[ObjectIdentifier(session)] = session
        return session
    }

    private func remove(_ session: TDSSession) {
        let failedHandshake = session.tlsStatus.handshakeFailed
        lock.lock()
        sessions[ObjectIdentifier(session)] = nil
        if failedHandshake { failedHandshakes += 1 }
        lock.unlock()
    }

    /// Notes one LOGIN7's encryption, keeping the latest ``loginEncryptionLimit``.
    func recordLogin(_ encryption: TDSSandboxSessionEncryption) {
        lock.lock()
        loginEncryptionLog.append(encryption)
        if loginEncryptionLog.count > Self.loginEncryptionLimit {
            loginEncryptionLog.removeFirst(loginEncryptionLog.count - Self.loginEncryptionLimit)
        }
        lock.unlock()
    }
}
