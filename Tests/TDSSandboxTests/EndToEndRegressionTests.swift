import DBCore
import NIOCore
import Testing

@testable import TDSSandbox

/// Unit tests for sandbox bugs the end-to-end tests found, each pinned down at the smallest scale.
@Suite("End to end: regressions")
struct EndToEndRegressionTests {
    /// The smallest money value, -922337203685477.5808, is -2^63 ten-thousandths: its magnitude does not fit a
    /// positive Int64, and the encoder reported it as an overflow (8115).
    @Test func smallestMoneyValueEncodes() throws {
        var buffer = ByteBuffer()
        try TDSValueEncoder.write(.decimal(SQLDecimal("-922337203685477.5808")!), as: .money, into: &buffer)
        // Length 8, then the high 32 bits (0x80000000) and the low 32 bits (0), little-endian.
        #expect(Array(buffer.readableBytesView) == [8, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00])
        var decoded = ByteBuffer(bytes: [0x6E, 8] + Array(buffer.readableBytesView))
        #expect(try TDSValueDecoder.readTypedValue(&decoded).1 == .decimal(SQLDecimal("-922337203685477.5808")!))
        buffer.clear()
        #expect(throws: TDSValueError.self) {
            try TDSValueEncoder.write(.decimal(SQLDecimal("-922337203685477.5809")!), as: .money, into: &buffer)
        }
    }
}
