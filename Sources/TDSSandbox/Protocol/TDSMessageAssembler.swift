import NIOCore

/// Reassembles client packets into whole messages ([MS-TDS] 2.2.3), checking every header.
///
/// It never traps on client data: a header with a length below 8, a packet larger than the largest
/// packet size, an unknown packet type, a type change in the middle of a message or a message larger
/// than ``maximumMessageSize`` throws a ``TDSProtocolError``, and the session is closed.
struct TDSMessageAssembler {
    /// The largest message accepted, all packets together.
    var maximumMessageSize: Int
    private var partial: ByteBuffer?
    private var partialType: TDSPacketType?
    private var partialReset = false

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Consumes complete packets from `buffer` and returns the next whole message, or `nil` when more bytes
    /// are needed. Call again until it returns `nil`.
    mutating func nextMessage(from buffer: inout ByteBuffer) throws -> TDSMessage? {
        while true {
            guard buffer.readableBytes >= TDSPacketLayout.headerSize else { return nil }
            let start = buffer.readerIndex
            guard let rawType = buffer.getInteger(at: start, as: UInt8.self),
                let rawStatus = buffer.getInteger(at: start + 1, as: UInt8.self),
                let length = buffer.getInteger(at: start + 2, endianness: .big, as: UInt16.self)
            else { return nil }
            guard let type = TDSPacketType(rawValue: rawType) else {
                throw TDSProtocolError("unknown packet type 0x\(String(rawType, radix: 16))")
            }
            let packetLength = Int(length)
            guard packetLength >= TDSPacketLayout.headerSize else {
                throw TDSProtocolError("packet length \(packetLength) is below the header size")
            }
            guard packetLength <= TDSPacketLayout.maximumPacketSize + 1 else {
                throw TDSProtocolError("packet length \(packetLength) exceeds the largest packet size")
            }
            guard buffer.readableBytes >= packetLength else { return nil }
            buffer.moveReaderIndex(forwardBy: TDSPacketLayout.headerSize)
            guard var body = buffer.readSlice(length: packetLength - TDSPacketLayout.headerSize) else { return nil }
            let status = TDSPacketStatus(rawValue: rawStatus)

            if type == .attention {
                // An attention interrupts whatever the client was sending.
                partial = nil
                partialType = nil
                return TDSMessage(type: .attention, payload: body, resetConnection: false)
            }
            if let current = partialType, current != type {
                throw TDSProtocolError("packet type changed in the middle of a message")
            }
            if type == .bulkLoad {
                // Streamed packet by packet (a bulk load may be gigabytes); the size limit does not apply.
                return TDSMessage(
                    type: type, payload: body, resetConnection: false,
                    isEndOfMessage: status.contains(.endOfMessage) || status.contains(.ignore))
            }
            if partial == nil {
                partial = body
                partialType = type
                partialReset = status.contains(.resetConnection) || status.contains(.resetConnectionSkipTransaction)
            } else {
                partial?.writeBuffer(&body)
            }
            if let size = partial?.readableBytes, size > maximumMessageSize {
                throw TDSProtocolError("message larger than \(maximumMessageSize) bytes")
            }
            guard status.contains(.endOfMessage) else { continue }
            let message = partial.map { TDSMessage(type: type, payload: $0, resetConnection: partialReset) }
            partial = nil
            partialType = nil
            partialReset = false
            if status.contains(.ignore) { continue }
            return message
        }
    }
}
