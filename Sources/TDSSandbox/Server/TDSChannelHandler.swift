import NIOCore

/// The event-loop side of a session: reassembles packets into messages and hands them to the ``TDSSession``.
/// A framing error closes this connection only.
final class TDSChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let session: TDSSession
    private var assembler: TDSMessageAssembler
    private var cumulation: ByteBuffer?
    private let onClose: @Sendable (TDSSession) -> Void
    /// Told when the LOGIN7 arrived (it stops the pre-login timeout).
    private let loginArrival: LoginArrival?

    init(
        session: TDSSession, maximumMessageSize: Int, loginArrival: LoginArrival? = nil,
        onClose: @escaping @Sendable (TDSSession) -> Void
    ) {
        self.session = session
        self.loginArrival = loginArrival
        self.assembler = TDSMessageAssembler(maximumMessageSize: maximumMessageSize)
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if cumulation == nil {
            cumulation = incoming
        } else {
            cumulation?.writeBuffer(&incoming)
        }
        guard var buffer = cumulation else { return }
        cumulation = nil
        do {
            while let message = try assembler.nextMessage(from: &buffer) {
                if message.type == .login7 { loginArrival?.markArrived() }
                session.receive(message)
            }
        } catch {
            context.close(promise: nil)
            return
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            cumulation = buffer
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.connectionClosed()
        onClose(session)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
