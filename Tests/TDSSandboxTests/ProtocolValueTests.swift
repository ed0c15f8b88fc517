import DBCore
import Foundation
import NIOCore
import Testing

@testable import TDSSandbox

@Suite("Protocol: value encoding and decoding")
struct ProtocolValueTests {
    /// Encodes TYPE_INFO + value (as RETURNVALUE and RPC parameters carry them), then decodes them.
    func roundTrip(_ value: SQLValue, _ type: TSQLType) throws -> (TSQLType, SQLValue) {
        var buffer = ByteBuffer()
        try type.writeTypeInfo(into: &buffer)
        try TDSValueEncoder.write(value, as: type, into: &buffer)
        let decoded = try TDSValueDecoder.readTypedValue(&buffer)
        #expect(buffer.readableBytes == 0)
        return decoded
    }

    static let date = SQLDate(year: 2024, month: 2, day: 29)!

    @Test(arguments: [
        (SQLValue.int(255), TSQLType.tinyint), (.int(-32768), .smallint), (.int(Int64(Int32.max)), .int),
        (.int(Int64.min), .bigint), (.bool(true), .bit), (.double(1.5), .real), (.double(-2.25e300), .float),
        (.decimal(SQLDecimal("-12345678901234567890.123456789012345678")!), .decimal(precision: 38, scale: 18)),
        (.decimal(SQLDecimal("0.0001")!), .decimal(precision: 5, scale: 4)),
        (.decimal(SQLDecimal("922337203685477.5807")!), .money), (.decimal(SQLDecimal("-214748.3648")!), .smallmoney),
        (.string("héllo"), .varchar(20)), (.string("日本😀"), .nvarchar(10)),
        (.string(String(repeating: "x", count: 9000)), .nvarchar(nil)),
        (.string(""), .varchar(nil)), (.bytes([0, 1, 255]), .varbinary(nil)), (.bytes([9, 8]), .varbinary(4)),
        (.date(date), .date), (.date(SQLDate(year: 1, month: 1, day: 1)!), .date),
        (.time(SQLTime(hour: 23, minute: 59, second: 59, nanosecond: 999_999_900)!), .time(scale: 7)),
        (.time(SQLTime(hour: 1, minute: 2, second: 3)!), .time(scale: 0)),
        (
            .timestamp(
                SQLTimestamp(date: date, time: SQLTime(hour: 13, minute: 45, second: 6, nanosecond: 123_456_700)!)),
            .datetime2(scale: 7)
        ),
        (
            .timestamp(
                SQLTimestamp(date: date, time: SQLTime(hour: 13, minute: 45, second: 6, nanosecond: 123_000_000)!)),
            .datetime
        ),
        (.timestamp(SQLTimestamp(date: date, time: SQLTime(hour: 13, minute: 46, second: 0)!)), .smalldatetime),
        (
            .timestampTZ(
                SQLTimestampTZ(
                    local: SQLTimestamp(date: date, time: SQLTime(hour: 0, minute: 15, second: 0)!),
                    offsetSeconds: -8 * 3600)), .datetimeoffset(scale: 3)
        ),
        (.uuid(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!), .uniqueidentifier),
        (.null, .nvarchar(nil)), (.null, .int), (.null, .decimal(precision: 10, scale: 2)),
        (.null, .datetime2(scale: 7)),
        (.null, .varchar(10)), (.null, .uniqueidentifier),
    ])
    func valuesRoundTrip(value: SQLValue, type: TSQLType) throws {
        let (decodedType, decodedValue) = try roundTrip(value, type)
        #expect(decodedType == type)
        switch (value, decodedValue) {
        case (.decimal(let a), .decimal(let b)): #expect(a.normalized == b.normalized)
        default: #expect(decodedValue == value)
        }
    }

    @Test func datetimeRoundsToThreeHundredthsOfASecond() throws {
        func encoded(_ nanos: Int) throws -> [UInt8] {
            var buffer = ByteBuffer()
            let time = SQLTime(hour: 0, minute: 0, second: 0, nanosecond: nanos)!
            try TDSValueEncoder.write(
                .timestamp(SQLTimestamp(date: Self.date, time: time)), as: .datetime, into: &buffer)
            return Array(buffer.readableBytesView.suffix(4))
        }
        #expect(try encoded(1_000_000) == [0, 0, 0, 0])  // .001 → .000
        #expect(try encoded(2_000_000) == [1, 0, 0, 0])  // .002 → .003
        #expect(try encoded(5_000_000) == [2, 0, 0, 0])  // .005 → .007
        // 23:59:59.999 rounds to the next day.
        var buffer = ByteBuffer()
        let late = SQLTimestamp(
            date: Self.date, time: SQLTime(hour: 23, minute: 59, second: 59, nanosecond: 999_000_000)!)
        try TDSValueEncoder.write(.timestamp(late), as: .datetime, into: &buffer)
        #expect(Array(buffer.readableBytesView) == [8, 0x26, 0xB1, 0, 0, 0, 0, 0, 0])
    }

    @Test func decodedDatetimeShowsMilliseconds() throws {
        let stamp = try TDSDateTimeCodec.datetime(days: 0, ticks: 2)
        #expect(stamp.description == "1900-01-01 00:00:00.007")
    }

    @Test(arguments: [
        (SQLValue.int(256), TSQLType.tinyint), (.int(-1), .tinyint), (.int(Int64(Int32.max) + 1), .int),
        (.decimal(SQLDecimal("1000")!), .decimal(precision: 5, scale: 2)), (.double(.infinity), .float),
        (.double(1e300), .real), (.decimal(SQLDecimal("922337203685478")!), .money),
        (.string("toolong"), .varchar(3)), (.string("日本"), .varchar(10)), (.bytes([1, 2, 3]), .binary(2)),
        (.string("x"), .int), (.int(1), .nvarchar(5)),
        (
            .timestamp(
                SQLTimestamp(
                    date: SQLDate(year: 1700, month: 1, day: 1)!, time: SQLTime(hour: 0, minute: 0, second: 0)!)),
            .datetime
        ),
        (
            .timestampTZ(
                SQLTimestampTZ(
                    local: SQLTimestamp(date: date, time: SQLTime(hour: 0, minute: 0, second: 0)!), offsetSeconds: 30)),
            .datetimeoffset(scale: 7)
        ),
        (.int(1), .decimal(precision: 40, scale: 0)),
    ])
    func unrepresentableValuesThrowAndLeaveTheBufferAlone(value: SQLValue, type: TSQLType) {
        var buffer = ByteBuffer(bytes: [0xAA])
        #expect(throws: TDSValueError.self) {
            try TDSValueEncoder.write(value, as: type, into: &buffer)
            try type.validate()
        }
        #expect(Array(buffer.readableBytesView) == [0xAA])
    }

    @Test func decimalRoundsExcessScaleHalfAwayFromZero() throws {
        var buffer = ByteBuffer()
        try TDSValueEncoder.write(.decimal(SQLDecimal("-1.005")!), as: .decimal(precision: 5, scale: 2), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [5, 0, 101, 0, 0, 0])
    }

    @Test func charPadsToItsLength() throws {
        var buffer = ByteBuffer()
        try TDSValueEncoder.write(.string("ab"), as: .char(4), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [4, 0, 0x61, 0x62, 0x20, 0x20])
    }

    @Test func cp1252CoversItsHighRange() {
        #expect(CP1252.encode("€‚ƒ") == [0x80, 0x82, 0x83])
        #expect(CP1252.decode([0x80, 0xE9]) == "€é")
        #expect(CP1252.encode("日") == nil)
    }

    @Test func decimalMagnitudeOf38Nines() {
        let digits = String(repeating: "9", count: 38)
        let bytes = DecimalMagnitude.bytes(fromDigits: Substring(digits), byteCount: 16)
        #expect(bytes.map { DecimalMagnitude.digits(fromBytes: $0) } == digits)
        #expect(DecimalMagnitude.bytes(fromDigits: Substring(digits + "99"), byteCount: 16) == nil)
    }
}

@Suite("Protocol: clients before TDS 7.3")
struct ProtocolLegacyClientTests {
    @Test func dateTimeTypesGoOutAsText() throws {
        let writer = TDSTokenWriter(version: .v7_2, serverName: "S")
        var encoder = TDSResponseEncoder(writer: writer, kind: .batch, inTransaction: false)
        var buffer = ByteBuffer()
        try encoder.encode(.columns(Capture.columns), into: &buffer)
        try encoder.encode(.row(Capture.row), into: &buffer)
        try encoder.encode(.statementDone(rowCount: 1, inProcedure: false), into: &buffer)
        encoder.finish(attention: false, into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        for text in [
            "2024-02-29", "13:45:06.123457", "2024-02-29 13:45:06.123457", "2024-02-29 13:45:06.123457 +05:30",
        ] {
            #expect(bytes.contains(subsequence: UCS2.encode(text)), "\(text)")
        }
        // No DATE/TIME/DATETIME2/DATETIMEOFFSET TYPE_INFO, ROW rather than NBCROW, 8-byte row count in the DONE.
        #expect(!bytes.contains(subsequence: [0x00, 0x00, 0x09, 0x00, 0x28]))
        #expect(!bytes.contains(subsequence: [0xD2]))
        #expect(Array(bytes.suffix(13)) == [0xFD, 0x10, 0x00, 0xC1, 0x00, 1, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func tds71UsesShortRowCountsAndUserTypes() throws {
        let writer = TDSTokenWriter(version: .v7_1, serverName: "S")
        var buffer = ByteBuffer()
        writer.writeDone(status: .count, rowCount: 5, into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0xFD, 0x10, 0x00, 0x00, 0x00, 5, 0, 0, 0])
        buffer.clear()
        try writer.writeColumnMetadata([ResultColumn(name: "a", type: .int)], into: &buffer)
        #expect(
            Array(buffer.readableBytesView) == [0x81, 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x26, 0x04, 0x01, 0x61, 0x00])
    }
}
