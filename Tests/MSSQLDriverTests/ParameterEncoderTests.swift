import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

@Suite("sp_executesql parameter encoding")
struct ParameterEncoderTests {
    @Test("declarations name each parameter's type, decimals with their own precision and scale")
    func declarations() throws {
        let values: [SQLValue] = [
            .string("a"), .int(1), .decimal(SQLDecimal("12345.6789")!), .bool(true), .double(1.5), .bytes([1]),
            .timestamp(SQLTimestamp(iso: "2024-01-01 00:00")!), .date(SQLDate(year: 2024, month: 1, day: 1)!),
            .time(SQLTime(hour: 1, minute: 2, second: 3)!), .timestampTZ(SQLTimestampTZ(iso: "2024-01-01 00:00Z")!),
            .uuid(UUID()), .null, .string(String(repeating: "x", count: 4001)),
        ]
        let encoded = try values.map(MSSQLParameterEncoder.encode)
        #expect(
            MSSQLParameterEncoder.declarations(encoded)
                == "@P1 NVARCHAR(4000), @P2 BIGINT, @P3 DECIMAL(9,4), @P4 BIT, @P5 FLOAT, @P6 VARBINARY(MAX), "
                + "@P7 DATETIME2(7), @P8 DATE, @P9 TIME(7), @P10 DATETIMEOFFSET(7), @P11 UNIQUEIDENTIFIER, "
                + "@P12 NVARCHAR(4000), @P13 NVARCHAR(MAX)")
        #expect(encoded[11].bytes == nil)
        #expect(encoded[12].type == TDSTypeCode.ntext)
        #expect(encoded[0].type == TDSTypeCode.varchar)
        #expect(encoded[1].bytes == [1, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("strings switch to NVARCHAR(MAX) by UTF-8 length, binary to IMAGE above 8000 bytes")
    func thresholds() throws {
        #expect(MSSQLParameterEncoder.string(String(repeating: "é", count: 2000)).declaration == "NVARCHAR(4000)")
        #expect(MSSQLParameterEncoder.string(String(repeating: "é", count: 2001)).declaration == "NVARCHAR(MAX)")
        #expect(
            try MSSQLParameterEncoder.encode(.bytes([UInt8](repeating: 0, count: 8000))).type == TDSTypeCode.varbinary)
        #expect(try MSSQLParameterEncoder.encode(.bytes([UInt8](repeating: 0, count: 8001))).type == TDSTypeCode.image)
    }

    @Test("empty strings and binaries are assigned in the statement, since DB-Library sends zero length as NULL")
    func emptyValues() throws {
        let encoded = try [SQLValue.int(1), .string(""), .bytes([])].map(MSSQLParameterEncoder.encode)
        #expect(encoded[1].bytes == nil)
        #expect(
            MSSQLParameterEncoder.statement("SELECT @P1, @P2, @P3", encoded)
                == "SET @P2 = N''; SET @P3 = 0x; SELECT @P1, @P2, @P3")
        #expect(MSSQLParameterEncoder.statement("SELECT @P1", [encoded[0]]) == "SELECT @P1")
    }

    @Test("the server string is host:port, or host\\instance for a named instance")
    func serverString() {
        #expect(DBLibHandle.serverString(ConnectionConfiguration(host: "db.example")) == "db.example:1433")
        #expect(DBLibHandle.serverString(ConnectionConfiguration(host: "h", port: 14330)) == "h:14330")
        #expect(
            DBLibHandle.serverString(ConnectionConfiguration(host: "h", instanceName: "SQLEXPRESS")) == "h\\SQLEXPRESS")
    }
}
