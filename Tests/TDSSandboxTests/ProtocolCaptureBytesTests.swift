import DBCore
import Foundation
import NIOCore
import Testing

@testable import TDSSandbox

/// Bytes from /work/shared/notes/tds-capture-babelfish.txt (a real TDS 7.4 conversation), as hex.
enum Capture {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = hex.filter { $0.isHexDigit }
        var result: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            result.append(UInt8(digits[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    /// The client's PRELOGIN packet.
    static let clientPrelogin = bytes(
        """
        12 01 00 3a 00 00 00 00 00 00 1a 00 06 01 00 20 00 01 02 00 21 00 0c 03 00 2d 00 04 04 00 31 00
        01 ff 09 00 00 00 00 00 00 4d 53 53 51 4c 53 65 72 76 65 72 00 1e 1a 00 00 00
        """)

    /// The server's PRELOGIN reply packet (version 12.0.2000).
    static let serverPrelogin = bytes(
        """
        04 01 00 2b 00 00 00 00 00 00 1a 00 06 01 00 20 00 01 02 00 21 00 01 03 00 22 00 00 04 00 22 00
        01 ff 0c 00 07 d0 00 00 02 00 00
        """)

    /// ENVCHANGE SQL collation (Latin1_General_CI_AS).
    static let collationEnvChange = bytes("e3 08 00 07 05 09 04 d0 00 34 00")

    /// LOGINACK: interface 1, TDS 7.4, "Microsoft SQL Server", 12.0.2000.
    static let loginAck = bytes(
        """
        ad 32 00 01 74 00 00 04 14 4d 00 69 00 63 00 72 00 6f 00 73 00 6f 00 66 00 74 00 20 00 53 00 51 00
        4c 00 20 00 53 00 65 00 72 00 76 00 65 00 72 00 0c 00 07 d0
        """)

    /// The final DONE of the login response.
    static let loginDone = bytes("fd 00 00 00 00 00 00 00 00 00 00 00 00")

    /// The payload of the SELECT's response (after the 8-byte header): COLMETADATA, NBCROW, DONE.
    static let selectResponse = bytes(
        """
        81 15 00 00 00 00 00 09 00 26 01 09 63 00 5f 00 74 00 69 00 6e 00 79 00 69 00 6e 00 74 00 00 00
        00 00 09 00 26 02 0a 63 00 5f 00 73 00 6d 00 61 00 6c 00 6c 00 69 00 6e 00 74 00 00 00 00 00 09
        00 26 04 05 63 00 5f 00 69 00 6e 00 74 00 00 00 00 00 09 00 26 08 08 63 00 5f 00 62 00 69 00 67
        00 69 00 6e 00 74 00 00 00 00 00 09 00 68 01 05 63 00 5f 00 62 00 69 00 74 00 00 00 00 00 09 00
        6c 11 12 04 09 63 00 5f 00 64 00 65 00 63 00 69 00 6d 00 61 00 6c 00 00 00 00 00 09 00 6e 08 07
        63 00 5f 00 6d 00 6f 00 6e 00 65 00 79 00 00 00 00 00 09 00 6d 04 06 63 00 5f 00 72 00 65 00 61
        00 6c 00 00 00 00 00 09 00 6d 08 07 63 00 5f 00 66 00 6c 00 6f 00 61 00 74 00 00 00 00 00 09 00
        a7 0a 00 09 04 d0 00 34 09 63 00 5f 00 76 00 61 00 72 00 63 00 68 00 61 00 72 00 00 00 00 00 09
        00 e7 14 00 09 04 d0 00 34 0a 63 00 5f 00 6e 00 76 00 61 00 72 00 63 00 68 00 61 00 72 00 00 00
        00 00 09 00 e7 ff ff 09 04 d0 00 34 0d 63 00 5f 00 6e 00 76 00 61 00 72 00 63 00 68 00 61 00 72
        00 6d 00 61 00 78 00 00 00 00 00 09 00 a5 0a 00 0b 63 00 5f 00 76 00 61 00 72 00 62 00 69 00 6e
        00 61 00 72 00 79 00 00 00 00 00 09 00 28 06 63 00 5f 00 64 00 61 00 74 00 65 00 00 00 00 00 09
        00 29 06 06 63 00 5f 00 74 00 69 00 6d 00 65 00 00 00 00 00 09 00 6f 08 0a 63 00 5f 00 64 00 61
        00 74 00 65 00 74 00 69 00 6d 00 65 00 00 00 00 00 09 00 2a 06 0b 63 00 5f 00 64 00 61 00 74 00
        65 00 74 00 69 00 6d 00 65 00 32 00 00 00 00 00 09 00 2b 06 05 63 00 5f 00 64 00 74 00 6f 00 00
        00 00 00 09 00 24 10 06 63 00 5f 00 75 00 75 00 69 00 64 00 00 00 00 00 09 00 26 04 0a 63 00 5f
        00 6e 00 75 00 6c 00 6c 00 5f 00 69 00 6e 00 74 00 00 00 00 00 09 00 e7 14 00 09 04 d0 00 34 0f
        63 00 5f 00 6e 00 75 00 6c 00 6c 00 5f 00 6e 00 76 00 61 00 72 00 63 00 68 00 61 00 72 00 d2 00
        00 18 01 01 02 fe ff 04 03 00 00 00 08 fc ff ff ff ff ff ff ff 01 01 05 01 15 cd 5b 07 08 00 00
        00 00 08 e2 01 00 04 00 00 c0 3f 08 00 00 00 00 00 00 02 40 03 00 61 62 63 04 00 e5 65 2c 67 06
        00 00 00 00 00 00 00 06 00 00 00 6d 00 61 00 78 00 00 00 00 00 02 00 01 02 03 80 46 0b 05 c1 7e
        cb 86 0b 08 25 b1 00 00 fd 9e e2 00 08 c1 7e cb 86 0b 80 46 0b 0a c1 78 9f ea 06 80 46 0b 4a 01
        10 ff 19 96 6f 86 8b 11 d0 b4 2d 00 c0 4f c9 64 ff fd 10 00 c1 00 01 00 00 00 00 00 00 00
        """)

    /// The capture's columns and row, as engine events. Babelfish (PostgreSQL underneath) declares TIME(7),
    /// DATETIME2(7) and DATETIMEOFFSET(7) with scale 6 and rounds 13:45:06.1234567 to .123457.
    static let columns: [ResultColumn] = [
        ResultColumn(name: "c_tinyint", type: .tinyint), ResultColumn(name: "c_smallint", type: .smallint),
        ResultColumn(name: "c_int", type: .int), ResultColumn(name: "c_bigint", type: .bigint),
        ResultColumn(name: "c_bit", type: .bit),
        ResultColumn(name: "c_decimal", type: .decimal(precision: 18, scale: 4)),
        ResultColumn(name: "c_money", type: .money), ResultColumn(name: "c_real", type: .real),
        ResultColumn(name: "c_float", type: .float), ResultColumn(name: "c_varchar", type: .varchar(10)),
        ResultColumn(name: "c_nvarchar", type: .nvarchar(10)),
        ResultColumn(name: "c_nvarcharmax", type: .nvarchar(nil)),
        ResultColumn(name: "c_varbinary", type: .varbinary(10)), ResultColumn(name: "c_date", type: .date),
        ResultColumn(name: "c_time", type: .time(scale: 6)), ResultColumn(name: "c_datetime", type: .datetime),
        ResultColumn(name: "c_datetime2", type: .datetime2(scale: 6)),
        ResultColumn(name: "c_dto", type: .datetimeoffset(scale: 6)),
        ResultColumn(name: "c_uuid", type: .uniqueidentifier), ResultColumn(name: "c_null_int", type: .int),
        ResultColumn(name: "c_null_nvarchar", type: .nvarchar(10)),
    ]

    static let date = SQLDate(year: 2024, month: 2, day: 29)!
    static let time = SQLTime(hour: 13, minute: 45, second: 6, nanosecond: 123_456_700)!

    static let row: [SQLValue] = [
        .int(1), .int(-2), .int(3), .int(-4), .bool(true), .decimal(SQLDecimal("12345.6789")!),
        .decimal(SQLDecimal("12.34")!), .double(1.5), .double(2.25), .string("abc"), .string("日本"), .string("max"),
        .bytes([1, 2]), .date(date), .time(time),
        .timestamp(SQLTimestamp(date: date, time: SQLTime(hour: 13, minute: 45, second: 6, nanosecond: 123_000_000)!)),
        .timestamp(SQLTimestamp(date: date, time: time)),
        .timestampTZ(SQLTimestampTZ(local: SQLTimestamp(date: date, time: time), offsetSeconds: 5 * 3600 + 1800)),
        .uuid(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!), .null, .null,
    ]

    /// The capture's response with the sandbox's one deliberate difference: DECIMAL(18,4) is declared and sent
    /// with SQL Server's precision-based length (9 bytes) where Babelfish declares 17 and sends 5.
    static var selectResponseAsSQLServer: [UInt8] {
        var result = selectResponse
        replace(&result, Capture.bytes("6c 11 12 04"), with: Capture.bytes("6c 09 12 04"))
        replace(&result, Capture.bytes("05 01 15 cd 5b 07"), with: Capture.bytes("09 01 15 cd 5b 07 00 00 00 00"))
        return result
    }

    static func replace(_ bytes: inout [UInt8], _ old: [UInt8], with new: [UInt8]) {
        guard let start = (0...(bytes.count - old.count)).first(where: { Array(bytes[$0..<($0 + old.count)]) == old })
        else { return }
        bytes.replaceSubrange(start..<(start + old.count), with: new)
    }
}

@Suite("Protocol: byte-exact against the Babelfish capture")
struct ProtocolCaptureBytesTests {
    let writer = TDSTokenWriter(version: .v7_4, serverName: "BABELFISH")

    @Test func preloginReplyMatchesCapture() throws {
        var payload = PreloginMessage.reply(version: (12, 0, 2000))
        var packet = ByteBuffer()
        TDSPacketLayout.writePackets(&payload, packetSize: 4096, spid: 0, endOfMessage: true, into: &packet)
        // Byte 6 is the packet id: Babelfish starts at 0, SQL Server (and the sandbox) at 1.
        var expected = Capture.serverPrelogin
        expected[6] = 1
        #expect(Array(packet.readableBytesView) == expected)
    }

    @Test func clientPreloginParses() throws {
        var assembler = TDSMessageAssembler(maximumMessageSize: 1 << 20)
        var buffer = ByteBuffer(bytes: Capture.clientPrelogin)
        let message = try #require(try assembler.nextMessage(from: &buffer))
        #expect(message.type == .prelogin)
        let request = try PreloginMessage.parse(message.payload)
        #expect(request.encryption == 0)
        #expect(request.mars == 0)
        #expect(request.instance == "MSSQLServer")
    }

    @Test func loginTokensMatchCapture() {
        var buffer = ByteBuffer()
        writer.writeEnvChange(type: 7, newBytes: TDSCollation.latin1GeneralCIAS, oldBytes: [], into: &buffer)
        #expect(Array(buffer.readableBytesView) == Capture.collationEnvChange)
        buffer.clear()
        writer.writeLoginAck(programName: "Microsoft SQL Server", programVersion: (12, 0, 2000), into: &buffer)
        #expect(Array(buffer.readableBytesView) == Capture.loginAck)
        buffer.clear()
        writer.writeDone(status: [], into: &buffer)
        #expect(Array(buffer.readableBytesView) == Capture.loginDone)
    }

    @Test func selectOfEveryTypeMatchesCapture() throws {
        var encoder = TDSResponseEncoder(writer: writer, kind: .batch, inTransaction: false)
        var buffer = ByteBuffer()
        try encoder.encode(.columns(Capture.columns), into: &buffer)
        try encoder.encode(.row(Capture.row), into: &buffer)
        try encoder.encode(.statementDone(rowCount: 1, inProcedure: false), into: &buffer)
        encoder.finish(attention: false, into: &buffer)
        let produced = Array(buffer.readableBytesView)
        let expected = Capture.selectResponseAsSQLServer
        #expect(produced.count == expected.count)
        if let mismatch = zip(produced, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("first difference at byte \(mismatch.offset)")
        }
        #expect(produced == expected)
    }

    @Test func nbcRowBitmapMarksTheNullColumns() throws {
        var buffer = ByteBuffer()
        try writer.writeRow(Capture.row, columns: Capture.columns, into: &buffer)
        // 21 columns: 3 bitmap bytes; columns 19 and 20 are NULL (bits 3 and 4 of the third byte).
        #expect(Array(buffer.readableBytesView.prefix(4)) == [0xD2, 0x00, 0x00, 0x18])
    }

    @Test func rowWithoutNullsUsesROW() throws {
        var buffer = ByteBuffer()
        try writer.writeRow([.int(7)], columns: [ResultColumn(name: "a", type: .int)], into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0xD1, 0x04, 0x07, 0x00, 0x00, 0x00])
    }
}
