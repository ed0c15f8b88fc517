import DBCore
import NIOCore
import Testing

@testable import TDSSandbox

/// Builds request payloads the way clients send them.
enum RequestBuilder {
    static func allHeaders(descriptor: UInt64 = 0) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(22), endianness: .little)
        buffer.writeInteger(UInt32(18), endianness: .little)
        buffer.writeInteger(UInt16(2), endianness: .little)
        buffer.writeInteger(descriptor, endianness: .little)
        buffer.writeInteger(UInt32(1), endianness: .little)
        return Array(buffer.readableBytesView)
    }

    static func sqlBatch(_ sql: String) -> [UInt8] { allHeaders() + UCS2.encode(sql) }

    /// One RPC: by procedure id or name, with parameters encoded by the sandbox's own TYPE_INFO writer.
    static func rpc(procID: UInt16? = nil, name: String = "", parameters: [RPCParameter]) throws -> [UInt8] {
        var buffer = ByteBuffer()
        if let procID {
            buffer.writeInteger(UInt16(0xFFFF), endianness: .little)
            buffer.writeInteger(procID, endianness: .little)
        } else {
            buffer.writeInteger(UInt16(name.utf16.count), endianness: .little)
            buffer.tdsWriteUCS2(name)
        }
        buffer.writeInteger(UInt16(0), endianness: .little)
        for parameter in parameters {
            buffer.tdsWriteBVarchar(parameter.name)
            buffer.writeInteger(UInt8(parameter.isOutput ? 1 : 0))
            try parameter.type.writeTypeInfo(into: &buffer)
            try TDSValueEncoder.write(parameter.value, as: parameter.type, into: &buffer)
        }
        return Array(buffer.readableBytesView)
    }
}

@Suite("Protocol: requests")
struct ProtocolRequestTests {
    @Test func sqlBatchSkipsAllHeaders() throws {
        let text = try TDSSQLBatch.parse(ByteBuffer(bytes: RequestBuilder.sqlBatch("SELECT N'é'")), version: .v7_4)
        #expect(text == "SELECT N'é'")
        // 7.1 has no ALL_HEADERS.
        #expect(try TDSSQLBatch.parse(ByteBuffer(bytes: UCS2.encode("go")), version: .v7_1) == "go")
    }

    @Test(
        arguments: [
            [0x03, 0x00, 0x00, 0x00],  // total length below 4
            [0xFF, 0x00, 0x00, 0x00, 0x41, 0x00],  // total length beyond the message
            [0x0A, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00],  // header length below 6
            [0x0A, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x02, 0x00],  // header beyond ALL_HEADERS
        ] as [[UInt8]])
    func malformedAllHeadersThrow(bytes: [UInt8]) {
        #expect(throws: TDSProtocolError.self) { try TDSSQLBatch.parse(ByteBuffer(bytes: bytes), version: .v7_4) }
    }

    @Test func rpcByProcIDWithParametersAndBatchSeparator() throws {
        let statement = RPCParameter(name: "@stmt", type: .nvarchar(nil), value: .string("SELECT @P1"))
        let declaration = RPCParameter(name: "@params", type: .nvarchar(4000), value: .string("@P1 int OUTPUT"))
        let p1 = RPCParameter(name: "@P1", type: .int, value: .int(42), isOutput: true)
        let second = RPCParameter(name: "", type: .decimal(precision: 38, scale: 10), value: .null)
        let payload =
            RequestBuilder.allHeaders()
            + (try RequestBuilder.rpc(procID: 10, parameters: [statement, declaration, p1])) + [0xFF]
            + (try RequestBuilder.rpc(name: "dbo.myproc", parameters: [second]))
        let calls = try TDSRPCRequest.parse(ByteBuffer(bytes: payload), version: .v7_4)
        #expect(calls.count == 2)
        #expect(calls[0].procedure == "sp_executesql")
        #expect(calls[0].parameters == [statement, declaration, p1])
        #expect(calls[1].procedure == "dbo.myproc")
        #expect(calls[1].parameters == [second])
    }

    @Test func rpcWithUnknownTypeOrTruncationThrows() throws {
        var payload = RequestBuilder.allHeaders() + (try RequestBuilder.rpc(procID: 12, parameters: []))
        payload += [0x00, 0x00, 0xF1, 0x00]  // parameter of type XML
        #expect(throws: TDSProtocolError.self) { try TDSRPCRequest.parse(ByteBuffer(bytes: payload), version: .v7_4) }
        let good =
            RequestBuilder.allHeaders()
            + (try RequestBuilder.rpc(
                procID: 10, parameters: [RPCParameter(name: "@s", type: .nvarchar(nil), value: .string("abc"))]))
        for cut in stride(from: 23, to: good.count, by: 3) {
            #expect(throws: TDSProtocolError.self) {
                try TDSRPCRequest.parse(ByteBuffer(bytes: Array(good.prefix(cut))), version: .v7_4)
            }
        }
    }

    @Test func plpParameterInChunksWithUnknownLength() throws {
        var buffer = ByteBuffer(bytes: [0xA5, 0xFF, 0xFF])
        buffer.writeInteger(UInt64(0xFFFF_FFFF_FFFF_FFFE), endianness: .little)
        for chunk in [[1, 2], [3]] as [[UInt8]] {
            buffer.writeInteger(UInt32(chunk.count), endianness: .little)
            buffer.writeBytes(chunk)
        }
        buffer.writeInteger(UInt32(0), endianness: .little)
        let (type, value) = try TDSValueDecoder.readTypedValue(&buffer)
        #expect(type == .varbinary(nil))
        #expect(value == .bytes([1, 2, 3]))
    }

    @Test func transactionManagerRequests() throws {
        func request(_ type: UInt16, _ payload: [UInt8]) -> ByteBuffer {
            var buffer = ByteBuffer(bytes: RequestBuilder.allHeaders())
            buffer.writeInteger(type, endianness: .little)
            buffer.writeBytes(payload)
            return buffer
        }
        let name = UCS2.encode("sp]1")
        #expect(try TDSTransactionManagerRequest.parse(request(5, [0, 0]), version: .v7_4) == "BEGIN TRANSACTION")
        #expect(
            try TDSTransactionManagerRequest.parse(request(5, [2, 0]), version: .v7_4)
                == "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; BEGIN TRANSACTION")
        #expect(try TDSTransactionManagerRequest.parse(request(7, [0, 0]), version: .v7_4) == "COMMIT TRANSACTION")
        #expect(
            try TDSTransactionManagerRequest.parse(request(8, [UInt8(name.count)] + name + [0]), version: .v7_4)
                == "ROLLBACK TRANSACTION [sp]]1]")
        #expect(
            try TDSTransactionManagerRequest.parse(request(7, [0, 1, 0, 0]), version: .v7_4)
                == "COMMIT TRANSACTION; BEGIN TRANSACTION")
        #expect(
            try TDSTransactionManagerRequest.parse(request(9, [UInt8(name.count)] + name), version: .v7_4)
                == "SAVE TRANSACTION [sp]]1]")
        #expect(throws: TDSProtocolError.self) {
            try TDSTransactionManagerRequest.parse(request(9, [0]), version: .v7_4)
        }
        #expect(throws: TDSProtocolError.self) {
            try TDSTransactionManagerRequest.parse(request(1, []), version: .v7_4)
        }
    }

    @Test func responseEncoderDoneBookkeeping() throws {
        let writer = TDSTokenWriter(version: .v7_4, serverName: "S")
        var encoder = TDSResponseEncoder(writer: writer, kind: .rpc, inTransaction: false)
        var buffer = ByteBuffer()
        try encoder.encode(.statementDone(rowCount: 3, inProcedure: true), into: &buffer)
        try encoder.encode(.returnStatus(0), into: &buffer)
        encoder.finish(attention: false, into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        // DONEINPROC (MORE|COUNT, 3 rows), RETURNSTATUS 0, DONEPROC (final).
        #expect(Array(bytes[0..<13]) == [0xFF, 0x11, 0x00, 0x00, 0x00, 3, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[13..<18]) == [0x79, 0, 0, 0, 0])
        #expect(Array(bytes[18..<21]) == [0xFE, 0x00, 0x00])

        var batch = TDSResponseEncoder(writer: writer, kind: .batch, inTransaction: false)
        buffer.clear()
        try batch.encode(.environmentChange(.beginTransaction(descriptor: 1)), into: &buffer)
        try batch.encode(.message(SQLServerMessage(number: 2627, severity: 14, message: "dup")), into: &buffer)
        try batch.encode(.statementDone(rowCount: nil, inProcedure: false), into: &buffer)
        batch.finish(attention: false, into: &buffer)
        let tail = Array(buffer.readableBytesView.suffix(13))
        // Final DONE: ERROR | INXACT, no MORE.
        #expect(Array(tail.prefix(3)) == [0xFD, 0x06, 0x00])
    }
}

@Suite("Protocol: RPC separators")
struct ProtocolRPCSeparatorTests {
    @Test func noExecFlagMarksThePrecedingCall() throws {
        let payload =
            RequestBuilder.allHeaders() + (try RequestBuilder.rpc(procID: 15, parameters: [])) + [0xFE]
            + (try RequestBuilder.rpc(procID: 12, parameters: [])) + [0xFF]
        let calls = try TDSRPCRequest.parse(ByteBuffer(bytes: payload), version: .v7_4)
        #expect(calls.map(\.procedure) == ["sp_unprepare", "sp_execute"])
        #expect(calls.map(\.shouldExecute) == [false, true])
    }
}

@Suite("Protocol: the last token of a batch")
struct ProtocolBatchEndTests {
    @Test func batchEndingInAProcedureStatementGetsAFinalDone() throws {
        var encoder = TDSResponseEncoder(
            writer: TDSTokenWriter(version: .v7_4, serverName: "S"), kind: .batch, inTransaction: false)
        var buffer = ByteBuffer()
        try encoder.encode(.statementDone(rowCount: 2, inProcedure: true), into: &buffer)
        encoder.finish(attention: false, into: &buffer)
        #expect(
            Array(buffer.readableBytesView)
                == [0xFF, 0x11, 0x00, 0x00, 0x00, 2, 0, 0, 0, 0, 0, 0, 0]
                + [0xFD, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func attentionEndsWithDoneAttnAfterEverythingElse() throws {
        var encoder = TDSResponseEncoder(
            writer: TDSTokenWriter(version: .v7_4, serverName: "S"), kind: .batch, inTransaction: false)
        var buffer = ByteBuffer()
        try encoder.encode(.statementDone(rowCount: 1, inProcedure: false), into: &buffer)
        encoder.finish(attention: true, into: &buffer)
        #expect(
            Array(buffer.readableBytesView)
                == [0xFD, 0x11, 0x00, 0x00, 0x00, 1, 0, 0, 0, 0, 0, 0, 0]
                + [0xFD, 0x20, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])
    }
}
