import Foundation
import NIOCore

/// Whether a connection's LOGIN7 has arrived whole: set by ``TDSChannelHandler`` on the event loop, read by
/// ``PreloginTimeoutHandler`` on the same loop.
///
/// `@unchecked Sendable`: its one flag is guarded by a lock.
final class LoginArrival: @unchecked Sendable {
    private let lock = NSLock()
    private var arrived = false

    /// True once a complete LOGIN7 message was handed to the session.
    var hasArrived: Bool {
        lock.lock()
        defer { lock.unlock() }
        return arrived
    }

    /// Notes that the LOGIN7 arrived.
    func markArrived() {
        lock.lock()
        arrived = true
        lock.unlock()
    }
}

/// Closes a connection that has not sent its LOGIN7 within ``TDSSandboxConfiguration/preloginTimeout`` of
/// connecting or of its last byte, as SQL Server drops idle sockets that never log in: without it, clients that
/// connect and go silent (port scanners, crashed clients, half-done TLS handshakes) would hold sessions forever.
///
/// It sits first in the pipeline, so any byte (a TLS handshake record too) restarts the clock. Once the LOGIN7
/// arrived it stops for good: the login is then in the server's hands (the engine factory may take long to reach
/// PostgreSQL) and a logged-in session may stay idle as long as it likes.
final class PreloginTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let arrival: LoginArrival
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount, arrival: LoginArrival) {
        self.timeout = timeout
        self.arrival = arrival
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        // Re-armed after the read went up the pipeline, which may have completed the LOGIN7.
        if scheduled != nil { arm(context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        guard !arrival.hasArrived else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let arrival = self.arrival
        scheduled = context.eventLoop.scheduleTask(in: timeout) {
            guard !arrival.hasArrived else { return }
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        scheduled?.cancel()
        scheduled = nil
    }
}
