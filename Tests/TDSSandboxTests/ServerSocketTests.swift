import DBCore
import Foundation
import NIOCore
import Testing

@testable import TDSSandbox

@Suite("Server: raw TDS over sockets")
struct ServerSocketTests {
    @Test func loginThenBatchStreamsTheEngineEvents() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        let login = try client.login()
        #expect(login.contains(subsequence: [0xAD]))
        #expect(login.contains(subsequence: [0x01, 0x74, 0x00, 0x00, 0x04]))
        #expect(Array(login.suffix(13)) == Capture.loginDone)
        let response = try client.batch("SELECT TYPES")
        #expect(response == (try expectedBatchResponse(ScriptedEngine.events(for: "SELECT TYPES"))))
        let error = try client.batch("SELECT ERROR")
        #expect(error == (try expectedBatchResponse(ScriptedEngine.events(for: "SELECT ERROR"))))
        #expect(error.first == 0xAA)
        // The session is still usable.
        #expect(try client.batch("SELECT TYPES").first == 0x81)
    }

    @Test func refusedLoginSendsErrorThenCloses() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        let response = try client.login(user: "bad")
        #expect(response.first == 0xAA)
        #expect(response.contains(subsequence: [0x18, 0x48, 0x00, 0x00, 0x01, 0x0E]))  // 18456, state 1, class 14
        #expect(Array(response.suffix(13).prefix(3)) == [0xFD, 0x02, 0x00])
        #expect(client.waitForClose())
    }

    @Test func unrepresentableValueBecomesAnErrorToken() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.login()
        let response = try client.batch("SELECT BAD VALUE")
        // The first row went out; the second (300 as tinyint) became ERROR 8115 and a DONE with the error bit.
        #expect(response.contains(subsequence: [0xD1, 0x01, 0x01]))
        #expect(response.contains(subsequence: [0xAA]))
        #expect(response.contains(subsequence: [0xB3, 0x1F, 0x00, 0x00]))  // 8115
        #expect(Array(response.suffix(13).prefix(3)) == [0xFD, 0x02, 0x00])
        #expect(try client.batch("SELECT TYPES").first == 0x81)
    }

    @Test func largeResultStreamsInPacketsOfTheNegotiatedSize() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.login(packetSize: 512)
        let response = try client.batch("SELECT MANY 20000")
        var expected: [SandboxEvent] = [
            .columns([ResultColumn(name: "n", type: .int), ResultColumn(name: "s", type: .nvarchar(40))])
        ]
        for index in 0..<20000 { expected.append(.row([.int(Int64(index)), .string("row number \(index)")])) }
        expected.append(.statementDone(rowCount: 20000, inProcedure: false))
        #expect(response == (try expectedBatchResponse(expected)))
    }

    @Test func rpcWithOutputParameterReturnsValueStatusAndDoneProc() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.login()
        let output = RPCParameter(
            name: "@out", type: .decimal(precision: 38, scale: 10), value: .decimal(SQLDecimal("-1.5")!), isOutput: true
        )
        let parameters = [
            RPCParameter(name: "@stmt", type: .nvarchar(nil), value: .string("SELECT 1")), output,
        ]
        let payload =
            RequestBuilder.allHeaders() + (try RequestBuilder.rpc(procID: 10, parameters: parameters))
            + [0xFF] + (try RequestBuilder.rpc(name: "sp_unprepare", parameters: []))
        try client.send(type: 0x03, payload: payload)
        let response = try client.readMessage()
        func call(_ name: String, _ returns: [RPCParameter]) -> [SandboxEvent] {
            [
                .columns([ResultColumn(name: "procedure", type: .nvarchar(100))]), .row([.string(name)]),
                .statementDone(rowCount: 1, inProcedure: true),
            ]
                + returns.enumerated().map { SandboxEvent.returnValue($0.element, ordinal: $0.offset) } + [
                    .returnStatus(0)
                ]
        }
        let writer = TDSTokenWriter(version: .v7_4, serverName: "TDSSANDBOX")
        var first = TDSResponseEncoder(writer: writer, kind: .rpc, inTransaction: false)
        var buffer = ByteBuffer()
        for event in call("sp_executesql", [output]) { try first.encode(event, into: &buffer) }
        first.finish(attention: false, moreFollows: true, into: &buffer)
        var second = TDSResponseEncoder(writer: writer, kind: .rpc, inTransaction: false)
        for event in call("sp_unprepare", []) { try second.encode(event, into: &buffer) }
        second.finish(attention: false, into: &buffer)
        #expect(response == Array(buffer.readableBytesView))
        #expect(response.contains(subsequence: [0xAC, 0x00, 0x00, 0x04]))  // RETURNVALUE ordinal 0, "@out"
        #expect(Array(response.suffix(13).prefix(3)) == [0xFE, 0x00, 0x00])
    }

    @Test func transactionManagerBeginRunsThroughTheEngine() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.login()
        try client.send(type: 0x0E, payload: RequestBuilder.allHeaders() + [5, 0, 0, 0])
        let response = try client.readMessage()
        // ENVCHANGE begin transaction (type 8, 8-byte descriptor 7), then DONE with INXACT.
        #expect(Array(response.prefix(14)) == [0xE3, 0x0B, 0x00, 0x08, 0x08, 7, 0, 0, 0, 0, 0, 0, 0, 0x00])
        #expect(Array(response.suffix(13).prefix(3)) == [0xFD, 0x04, 0x00])
    }

    @Test func attentionCancelsTheRunningRequestAndTheSessionGoesOn() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.login()
        try client.send(type: 0x01, payload: RequestBuilder.sqlBatch("WAIT"))
        let engine = try #require(fixture.engines.first)
        engine.started.wait()
        try client.send(type: 0x06, payload: [])
        let response = try client.readMessage()
        #expect(Array(response.suffix(13)) == [0xFD, 0x20, 0x00] + [UInt8](repeating: 0, count: 10))
        #expect(
            try client.batch("SELECT TYPES") == (try expectedBatchResponse(ScriptedEngine.events(for: "SELECT TYPES"))))
    }

    @Test func attentionWhenIdleIsAcknowledged() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.login()
        try client.send(type: 0x06, payload: [])
        #expect(try client.readMessage() == [0xFD, 0x20, 0x00] + [UInt8](repeating: 0, count: 10))
        #expect(try client.batch("SELECT TYPES").first == 0x81)
    }

    @Test func clientDisconnectingMidResultStopsAndClosesTheEngine() throws {
        let fixture = try ScriptedServer()
        var client: RawTDSClient? = try RawTDSClient(port: fixture.port)
        try client?.login()
        try client?.send(type: 0x01, payload: RequestBuilder.sqlBatch("SELECT MANY -1"))  // endless
        let engine = try #require(fixture.engines.first)
        engine.started.wait()
        client = nil  // closes the socket
        var closed = false
        for _ in 0..<600 where !closed {
            closed = engine.isClosed
            if !closed { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(closed)
    }

    @Test func fiftyConcurrentSessions() throws {
        let fixture = try ScriptedServer()
        let clients = try (0..<50).map { _ in try RawTDSClient(port: fixture.port) }
        for client in clients { try client.login() }
        for client in clients { try client.send(type: 0x01, payload: RequestBuilder.sqlBatch("SELECT MANY 500")) }
        for client in clients {
            let response = try client.readMessage()
            #expect(response.first == 0x81)
            #expect(Array(response.suffix(13)) == [0xFD, 0x10, 0x00, 0xC1, 0x00, 0xF4, 0x01, 0, 0, 0, 0, 0, 0])
        }
        #expect(fixture.engines.count == 50)
    }
}
