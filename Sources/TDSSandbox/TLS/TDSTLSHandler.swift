import NIOCore

/// The TLS layer of a TDS 7.x connection ([MS-TDS] 2.2.6.5, "SSL handshake"), below ``TDSChannelHandler``.
///
/// - plain: bytes pass through both ways (no TLS, or back to plaintext after a login-only LOGIN7).
/// - handshaking: after the session sends ``StartHandshake`` (just before its PRELOGIN answer), client bytes are
///   PRELOGIN (0x12) packets whose payloads feed the TLS engine; the engine's answers go back in PRELOGIN packets.
/// - encrypted: raw TLS records both ways, carrying the TDS packets.
/// - loginPacket: login-only mode; client records are decrypted one by one until the first TDS packet (LOGIN7) is
///   whole, then the connection is plaintext again from the next byte on. The server sends nothing encrypted.
///
/// A failed handshake or a TLS error closes the connection; the engine (`SSL`) is freed as soon as TLS ends and
/// at the latest when the channel goes inactive.
final class TDSTLSHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Outbound user event from the session: begin a TLS handshake with the next client bytes.
    struct StartHandshake: Sendable {
        /// Whether only the LOGIN7 packet is encrypted (both sides said ENCRYPT_OFF).
        var loginOnly: Bool
    }

    private enum State { case plain, handshaking, encrypted, loginPacket, closed }

    private let serverContext: TLSServerContext?
    private let status: TLSSessionStatus
    private let spid: UInt16
    private var state = State.plain
    private var loginOnly = false
    private var engine: TLSEngine?
    /// Client bytes not yet consumed (handshaking: a partial packet; loginPacket: a partial record).
    private var pending: ByteBuffer?
    /// Decrypted bytes of the LOGIN7 packet so far (loginPacket state).
    private var loginPlaintext: ByteBuffer?

    init(serverContext: TLSServerContext?, status: TLSSessionStatus, spid: UInt16) {
        self.serverContext = serverContext
        self.status = status
        self.spid = spid
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let incoming = unwrapInboundIn(data)
        if state == .plain {
            context.fireChannelRead(data)
            return
        }
        guard state != .closed else { return }
        if pending == nil {
            pending = incoming
        } else {
            var copy = incoming
            pending?.writeBuffer(&copy)
        }
        do {
            try process(context: context)
        } catch {
            fail(context: context)
        }
    }

    /// Consumes ``pending`` in the current state, moving on through state changes.
    private func process(context: ChannelHandlerContext) throws {
        while var buffer = pending, buffer.readableBytes > 0 {
            pending = nil
            let before = state
            switch state {
            case .plain:
                context.fireChannelRead(wrapInboundOut(buffer))
                return
            case .handshaking:
                try handshakeStep(&buffer, context: context)
            case .encrypted:
                try decrypt(buffer, context: context)
                return
            case .loginPacket:
                try loginRecords(&buffer, context: context)
            case .closed:
                return
            }
            if buffer.readableBytes > 0 { pending = buffer }
            // Stop when the state did not change: the rest is an incomplete unit. After a change (handshake done,
            // LOGIN7 decrypted), go on with what is left in the new state.
            if state == before { return }
        }
    }

    /// Handshaking: feeds every complete PRELOGIN packet to the engine and sends its answer.
    private func handshakeStep(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) throws {
        guard let engine else { throw TDSProtocolError("no TLS engine") }
        var fed = false
        while let header = buffer.getBytes(at: buffer.readerIndex, length: TDSPacketLayout.headerSize) {
            guard header[0] == TDSPacketType.prelogin.rawValue else {
                throw TDSProtocolError("a non-PRELOGIN packet during the TLS handshake")
            }
            let length = Int(header[2]) << 8 | Int(header[3])
            guard length >= TDSPacketLayout.headerSize else { throw TDSProtocolError("bad packet length") }
            guard buffer.readableBytes >= length else { break }
            buffer.moveReaderIndex(forwardBy: TDSPacketLayout.headerSize)
            if let payload = buffer.readSlice(length: length - TDSPacketLayout.headerSize) { engine.feed(payload) }
            fed = true
        }
        guard fed else { return }
        let progress = engine.handshake()
        sendHandshakeOutput(context: context)
        switch progress {
        case .inProgress:
            return
        case .failed(let reason):
            throw TDSSandboxTLSError("TLS handshake failed: \(reason)")
        case .complete:
            status.noteHandshakeCompleted(fullEncryption: !loginOnly)
            state = loginOnly ? .loginPacket : .encrypted
        }
    }

    /// Sends what the engine wrote during the handshake, cut into PRELOGIN packets.
    private func sendHandshakeOutput(context: ChannelHandlerContext) {
        guard var records = engine?.takeOutput(allocator: context.channel.allocator) else { return }
        var out = context.channel.allocator.buffer(capacity: records.readableBytes + 64)
        TDSPacketLayout.writePackets(
            &records, type: .prelogin, packetSize: TDSPacketLayout.defaultPacketSize, spid: spid, endOfMessage: true,
            into: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    /// Encrypted: decrypts what arrived and passes the plaintext on.
    private func decrypt(_ buffer: ByteBuffer, context: ChannelHandlerContext) throws {
        guard let engine else { throw TDSProtocolError("no TLS engine") }
        engine.feed(buffer)
        var plaintext = context.channel.allocator.buffer(capacity: buffer.readableBytes)
        let outcome = try engine.readPlaintext(into: &plaintext)
        if let alert = engine.takeOutput(allocator: context.channel.allocator) {
            context.writeAndFlush(wrapOutboundOut(alert), promise: nil)
        }
        if plaintext.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(plaintext)) }
        if outcome == .closedByPeer { context.close(promise: nil) }
    }

    /// Login-only: feeds one whole TLS record at a time until the first TDS packet is decrypted, then goes back
    /// to plaintext; whatever follows that record is plaintext.
    private func loginRecords(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) throws {
        guard let engine else { throw TDSProtocolError("no TLS engine") }
        while let header = buffer.getBytes(at: buffer.readerIndex, length: 5) {
            guard header[0] == 0x17 else { throw TDSProtocolError("a TLS record of type \(header[0]) during LOGIN7") }
            let length = 5 + (Int(header[3]) << 8 | Int(header[4]))
            guard let record = buffer.readSlice(length: length) else { return }
            engine.feed(record)
            var plaintext = loginPlaintext ?? context.channel.allocator.buffer(capacity: 4096)
            _ = try engine.readPlaintext(into: &plaintext)
            loginPlaintext = plaintext
            let lengthIndex = plaintext.readerIndex + 2
            guard plaintext.readableBytes >= TDSPacketLayout.headerSize,
                let packetLength = plaintext.getInteger(at: lengthIndex, endianness: .big, as: UInt16.self),
                plaintext.readableBytes >= Int(packetLength)
            else { continue }
            endTLS()
            status.noteLoginPacketDecrypted()
            state = .plain
            loginPlaintext = nil
            context.fireChannelRead(wrapInboundOut(plaintext))
            return
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        endTLS()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        endTLS()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard state == .encrypted, let engine else {
            context.write(data, promise: promise)
            return
        }
        do {
            try engine.encrypt(unwrapOutboundIn(data))
            if let records = engine.takeOutput(allocator: context.channel.allocator) {
                context.write(wrapOutboundOut(records), promise: promise)
            } else {
                promise?.succeed(())
            }
        } catch {
            promise?.fail(error)
            fail(context: context)
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let start = event as? StartHandshake else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        do {
            guard let serverContext else { throw TDSSandboxTLSError("the server has no certificate") }
            engine = try TLSEngine(context: serverContext)
            loginOnly = start.loginOnly
            state = .handshaking
            status.noteHandshakeStarted()
            promise?.succeed(())
        } catch {
            promise?.fail(error)
            fail(context: context)
        }
    }

    // MARK: Ending

    private func endTLS() {
        engine?.close()
        engine = nil
    }

    private func fail(context: ChannelHandlerContext) {
        state = .closed
        pending = nil
        loginPlaintext = nil
        endTLS()
        context.close(promise: nil)
    }
}
