import NIOCore
import Testing

@testable import TDSSandbox

@Suite("Protocol: packet framing")
struct ProtocolFramingTests {
    static func packet(type: UInt8, status: UInt8, body: [UInt8], length: Int? = nil) -> [UInt8] {
        let total = length ?? body.count + 8
        return [type, status, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 1, 0] + body
    }

    @Test func reassemblesAMessageSplitAcrossPacketsAndReads() throws {
        var assembler = TDSMessageAssembler(maximumMessageSize: 1 << 20)
        let stream = Self.packet(type: 1, status: 0, body: [1, 2, 3]) + Self.packet(type: 1, status: 1, body: [4, 5])
        var buffer = ByteBuffer()
        var messages: [TDSMessage] = []
        // Feed one byte at a time: every partial header and body must wait for more.
        for byte in stream {
            buffer.writeInteger(byte)
            while let message = try assembler.nextMessage(from: &buffer) { messages.append(message) }
        }
        #expect(messages.count == 1)
        #expect(messages.first?.type == .sqlBatch)
        #expect(messages.first.map { Array($0.payload.readableBytesView) } == [1, 2, 3, 4, 5])
    }

    @Test func twoMessagesInOneRead() throws {
        var assembler = TDSMessageAssembler(maximumMessageSize: 1 << 20)
        var buffer = ByteBuffer(
            bytes: Self.packet(type: 1, status: 1, body: [9]) + Self.packet(type: 3, status: 1, body: [8]))
        let first = try #require(try assembler.nextMessage(from: &buffer))
        let second = try #require(try assembler.nextMessage(from: &buffer))
        #expect(first.type == .sqlBatch)
        #expect(second.type == .rpc)
        #expect(try assembler.nextMessage(from: &buffer) == nil)
    }

    @Test func ignoredMessageIsDropped() throws {
        var assembler = TDSMessageAssembler(maximumMessageSize: 1 << 20)
        var buffer = ByteBuffer(
            bytes: Self.packet(type: 1, status: 0x03, body: [9]) + Self.packet(type: 1, status: 1, body: [7]))
        let message = try #require(try assembler.nextMessage(from: &buffer))
        #expect(Array(message.payload.readableBytesView) == [7])
    }

    @Test func attentionInterruptsAPartialMessage() throws {
        var assembler = TDSMessageAssembler(maximumMessageSize: 1 << 20)
        var buffer = ByteBuffer(
            bytes: Self.packet(type: 1, status: 0, body: [9]) + Self.packet(type: 6, status: 1, body: []))
        let message = try #require(try assembler.nextMessage(from: &buffer))
        #expect(message.type == .attention)
    }

    @Test(arguments: [
        packet(type: 1, status: 1, body: [], length: 4),  // length below the header
        packet(type: 0x55, status: 1, body: [1]),  // unknown type
        packet(type: 1, status: 0, body: [1]) + packet(type: 3, status: 1, body: [1]),  // type change mid-message
    ])
    func malformedPacketsThrow(bytes: [UInt8]) {
        var assembler = TDSMessageAssembler(maximumMessageSize: 1 << 20)
        var buffer = ByteBuffer(bytes: bytes)
        #expect(throws: TDSProtocolError.self) {
            while try assembler.nextMessage(from: &buffer) != nil {}
        }
    }

    @Test func oversizedMessageThrows() {
        var assembler = TDSMessageAssembler(maximumMessageSize: 100)
        let body = [UInt8](repeating: 0x41, count: 60)
        var buffer = ByteBuffer(
            bytes: Self.packet(type: 1, status: 0, body: body) + Self.packet(type: 1, status: 0, body: body))
        #expect(throws: TDSProtocolError.self) {
            while try assembler.nextMessage(from: &buffer) != nil {}
        }
    }

    @Test func responsesSplitAtThePacketSize() {
        var payload = ByteBuffer(bytes: [UInt8](repeating: 7, count: 1000))
        var out = ByteBuffer()
        TDSPacketLayout.writePackets(&payload, packetSize: 512, spid: 0x33, endOfMessage: true, into: &out)
        // 1000 bytes in 504-byte bodies: 504 + 496.
        #expect(out.readableBytes == 1000 + 16)
        let bytes = Array(out.readableBytesView)
        #expect(Array(bytes[0..<8]) == [0x04, 0x00, 0x02, 0x00, 0x00, 0x33, 0x01, 0x00])
        #expect(Array(bytes[512..<520]) == [0x04, 0x01, 0x01, 0xF8, 0x00, 0x33, 0x02, 0x00])
    }
}
