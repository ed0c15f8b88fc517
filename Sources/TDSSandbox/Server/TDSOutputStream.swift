import NIOCore

/// Thrown from the engine's `emit` closure when the client has gone away; the engine stops and rethrows it.
struct TDSClientGoneError: Error, Sendable {}

/// The response side of one session, used only on the session's worker thread: tokens accumulate in
/// ``tokens``; once they fill ``chunkSize`` bytes, every full packet (of the negotiated size) is cut and the
/// packets go to the socket in one write, and while the channel is not writable the worker waits for the socket to
/// drain, so a result of any size streams in constant memory.
final class TDSOutputStream {
    private let channel: any Channel
    private let spid: UInt16
    private let isClosed: @Sendable () -> Bool
    /// The negotiated packet size.
    var packetSize = TDSPacketLayout.defaultPacketSize
    /// Tokens not yet sent.
    var tokens: ByteBuffer
    private var packetID: UInt8 = 1
    private var lastWrite: EventLoopFuture<Void>?
    private var unconfirmedBytes = 0
    /// How many bytes may be handed to the event loop before the worker waits for them to reach the socket.
    private let unconfirmedLimit = 256 * 1024
    /// How many token bytes are gathered before full packets are cut and written (one socket write, not one per
    /// packet or row).
    static let chunkSize = 64 * 1024

    init(channel: any Channel, spid: UInt16, isClosed: @escaping @Sendable () -> Bool) {
        self.channel = channel
        self.spid = spid
        self.isClosed = isClosed
        self.tokens = channel.allocator.buffer(capacity: 8192)
    }

    /// Once ``tokens`` holds ``chunkSize`` bytes, sends every full packet of it in one write, keeping at least one
    /// byte for the message's last packet.
    func flushFullPackets() throws {
        try flushFullPackets(&tokens)
    }

    /// How many token bytes make ``flushFullPackets(_:)`` cut packets.
    var flushThreshold: Int { max(packetSize - TDSPacketLayout.headerSize, Self.chunkSize) }

    /// ``flushFullPackets()`` on a token buffer lent out by ``withTokens(_:)``.
    func flushFullPackets(_ tokens: inout ByteBuffer) throws {
        let body = packetSize - TDSPacketLayout.headerSize
        guard tokens.readableBytes > max(body, Self.chunkSize) else { return }
        let count = (tokens.readableBytes - 1) / body * body
        guard var slice = tokens.readSlice(length: count) else { return }
        var out = channel.allocator.buffer(capacity: count + count / body * TDSPacketLayout.headerSize)
        packetID = TDSPacketLayout.writePackets(
            &slice, packetSize: packetSize, spid: spid, firstPacketID: packetID, endOfMessage: false, into: &out)
        tokens.discardReadBytes()
        try send(out)
    }

    /// Lends ``tokens`` to `body` as a buffer of its own, so that a loop over many rows writes without an
    /// exclusivity check of the class's property per row; the buffer is put back when `body` returns or throws.
    func withTokens<Result>(_ body: (inout ByteBuffer) throws -> Result) rethrows -> Result {
        var lent = ByteBuffer()
        swap(&lent, &tokens)
        defer { swap(&lent, &tokens) }
        return try body(&lent)
    }

    /// Sends what is left of ``tokens`` with the EOM bit on the last packet: the response is complete.
    func endMessage(type: TDSPacketType = .tabularResult) throws {
        var out = channel.allocator.buffer(capacity: tokens.readableBytes + 64)
        TDSPacketLayout.writePackets(
            &tokens, type: type, packetSize: packetSize, spid: spid, firstPacketID: packetID, endOfMessage: true,
            into: &out)
        tokens.clear()
        packetID = 1
        try send(out)
    }

    /// Waits until everything written so far has reached the socket (or failed).
    func drain() {
        try? lastWrite?.wait()
    }

    private func send(_ out: ByteBuffer) throws {
        guard !isClosed() else { throw TDSClientGoneError() }
        unconfirmedBytes += out.readableBytes
        let write = channel.writeAndFlush(out)
        lastWrite = write
        // Writes complete in order: waiting for the last one waits for all. The writability flag lags behind
        // writes still queued on the event loop, hence the byte count as well.
        if !channel.isWritable || unconfirmedBytes > unconfirmedLimit {
            unconfirmedBytes = 0
            do { try write.wait() } catch { throw TDSClientGoneError() }
        }
    }
}
