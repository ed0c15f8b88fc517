import DBCore
import NIOCore
import Testing

@testable import TDSSandbox

@Suite("Bulk load: decoding the bulk-load token stream")
struct BulkLoadDecoderTests {
    /// What FreeTDS 1.3 sends for `freebcp … in` into (Id int, Name nvarchar(20)) with the row `5|` (no DONE token).
    static let freebcpMessage: [UInt8] = [
        0x81, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x26, 0x04, 0x02, 0x49, 0x00, 0x64, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0xE7, 0x28, 0x00, 0x09, 0x04, 0xD0, 0x00, 0x34, 0x04, 0x4E,
        0x00, 0x61, 0x00, 0x6D, 0x00, 0x65, 0x00, 0xD1, 0x04, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF,
    ]

    @Test func decodesWhateverPacketBoundariesCut() throws {
        let row: [UInt8] = [0xD1, 0x04, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x68, 0x00, 0x69, 0x00]
        let message = Self.freebcpMessage + row + [0xFD] + [UInt8](repeating: 0, count: 12)
        for cut in [100, 1, 3, 7, 16, 40, 47, 50] {
            var decoder = TDSBulkLoadDecoder()
            var columns: [BulkLoadColumn] = []
            var rows: [[SQLValue]] = []
            for start in stride(from: 0, to: message.count, by: cut) {
                var piece = ByteBuffer(bytes: message[start..<min(start + cut, message.count)])
                for item in try decoder.feed(&piece) {
                    switch item {
                    case .columns(let found): columns = found
                    case .rows(let found): rows += found
                    case .done: break
                    }
                }
            }
            #expect(
                columns == [BulkLoadColumn(name: "Id", type: .int), BulkLoadColumn(name: "Name", type: .nvarchar(20))])
            #expect(rows == [[.int(5), .null], [.int(7), .string("hi")]], "cut \(cut)")
            #expect(decoder.finished)
        }
    }
}
