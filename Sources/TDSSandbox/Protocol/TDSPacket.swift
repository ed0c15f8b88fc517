import NIOCore

/// The message types of the TDS packet header ([MS-TDS] 2.2.3.1.1).
enum TDSPacketType: UInt8, Sendable {
    case sqlBatch = 0x01
    case preTDS7Login = 0x02
    case rpc = 0x03
    case tabularResult = 0x04
    case attention = 0x06
    case bulkLoad = 0x07
    case federatedAuthToken = 0x08
    case transactionManager = 0x0E
    case login7 = 0x10
    case sspi = 0x11
    case prelogin = 0x12
}

/// The status bits of the TDS packet header.
struct TDSPacketStatus: OptionSet, Sendable {
    let rawValue: UInt8
    /// The last packet of a message.
    static let endOfMessage = TDSPacketStatus(rawValue: 0x01)
    /// The client asks the server to ignore this message (it abandoned sending it).
    static let ignore = TDSPacketStatus(rawValue: 0x02)
    /// Reset the connection before running the request.
    static let resetConnection = TDSPacketStatus(rawValue: 0x08)
    /// Reset the connection but keep the transaction state.
    static let resetConnectionSkipTransaction = TDSPacketStatus(rawValue: 0x10)
}

/// A whole client message, reassembled from its packets.
struct TDSMessage: Sendable {
    /// The packet type of every packet of the message.
    var type: TDSPacketType
    /// The concatenated packet payloads.
    var payload: ByteBuffer
    /// Whether the first packet asked for a connection reset.
    var resetConnection: Bool
    /// Whether this is the end of the message. Bulk-load messages are streamed: each of their packets arrives as
    /// its own ``TDSMessage`` and only the last has this set.
    var isEndOfMessage = true
}

/// Something a client sent that violates [MS-TDS]; the session that received it is closed or answered with an error.
struct TDSProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    var reason: String

    init(_ reason: String) { self.reason = reason }

    static let truncated = TDSProtocolError("message truncated")

    var description: String { "TDS protocol error: \(reason)" }
}

/// Constants of the packet layer.
enum TDSPacketLayout {
    /// The size of the packet header.
    static let headerSize = 8
    /// The packet size both sides use until LOGIN7 negotiates another.
    static let defaultPacketSize = 4096
    /// The smallest packet size a client may negotiate.
    static let minimumPacketSize = 512
    /// The largest packet size a client may negotiate.
    static let maximumPacketSize = 32767

    /// Splits a message into packets of at most `packetSize` bytes (header included).
    ///
    /// - Parameters:
    ///   - payload: the message body; consumed.
    ///   - type: the packet type, usually ``TDSPacketType/tabularResult``.
    ///   - packetSize: the negotiated packet size.
    ///   - spid: the server process id written into every header.
    ///   - firstPacketID: the packet id of the first packet; it increments modulo 256.
    ///   - endOfMessage: whether the last packet produced carries the EOM bit.
    ///   - into: the buffer receiving the packets.
    /// - Returns: the packet id to use for the next packet.
    @discardableResult
    static func writePackets(
        _ payload: inout ByteBuffer, type: TDSPacketType = .tabularResult, packetSize: Int, spid: UInt16,
        firstPacketID: UInt8 = 1, endOfMessage: Bool, into out: inout ByteBuffer
    ) -> UInt8 {
        let bodySize = max(packetSize - headerSize, 1)
        var packetID = firstPacketID
        repeat {
            let count = min(bodySize, payload.readableBytes)
            let isLast = count == payload.readableBytes
            let status: UInt8 = (isLast && endOfMessage) ? TDSPacketStatus.endOfMessage.rawValue : 0
            out.writeInteger(type.rawValue)
            out.writeInteger(status)
            out.writeInteger(UInt16(count + headerSize), endianness: .big)
            out.writeInteger(spid, endianness: .big)
            out.writeInteger(packetID)
            out.writeInteger(UInt8(0))
            if var slice = payload.readSlice(length: count) {
                out.writeBuffer(&slice)
            }
            packetID &+= 1
        } while payload.readableBytes > 0
        return packetID
    }
}
