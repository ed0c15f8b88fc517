import DBCore
import Foundation
import TDSSandbox
import Testing

/// RPC requests over the wire against the real engine: OUTPUT parameters as RETURNVALUE tokens, RETURNSTATUS,
/// DONEINPROC/DONEPROC, the prepare/execute/unprepare handle flow, and two calls in one message.
@Suite("End to end: RPC")
struct EndToEndRPCTests {
    private func text(_ value: String) -> RPCParameter {
        RPCParameter(name: "", type: .nvarchar(nil), value: .string(value))
    }

    @Test func executeSQLReturnsOutputParameters() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        let response = try client.executeSQL(
            "SET @total = @price * @qty\nSELECT @name AS Name",
            declarations: "@name nvarchar(20), @price decimal(12,2), @qty int, @total decimal(12,2) OUTPUT",
            [
                RPCParameter(name: "@name", type: .nvarchar(20), value: .string("widget")),
                RPCParameter(
                    name: "@price", type: .decimal(precision: 12, scale: 2), value: .decimal(SQLDecimal("2.50")!)),
                RPCParameter(name: "@qty", type: .int, value: .int(4)),
                RPCParameter(name: "@total", type: .decimal(precision: 12, scale: 2), value: .null, isOutput: true),
            ])
        #expect(response.errors.isEmpty, "\(response.errors)")
        #expect(response.scalar == .string("widget"))
        let returned = response.tokens.compactMap { token -> (String, WireColumn, SQLValue)? in
            if case .returnValue(let name, let column, let value) = token { return (name, column, value) }
            return nil
        }
        try #require(returned.count == 1)
        #expect(returned[0].0 == "@total")
        #expect(returned[0].1.typeByte == 0x6C)
        #expect(returned[0].1.precision == 12)
        #expect(returned[0].1.scale == 2)
        #expect(returned[0].2 == .decimal(SQLDecimal("10.00")!))
        // …, RETURNSTATUS 0, RETURNVALUE, DONEPROC: the statements end with DONEINPROC, the call with DONEPROC.
        #expect(response.dones.dropLast().allSatisfy { $0.token == 0xFF })
        #expect(response.final?.token == 0xFE)
        #expect(response.final?.hasError == false)
        #expect(response.tokens.contains { if case .returnStatus(0) = $0 { true } else { false } })
    }

    @Test func prepareExecuteUnprepare() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        #expect(try client.batch("CREATE TABLE T (Id int, Name nvarchar(10))").errors.isEmpty)
        // sp_prepare (id 11): @handle OUTPUT, the declarations, the statement.
        try client.send(
            type: 0x03,
            payload: RequestBuilder.allHeaders()
                + (try RequestBuilder.rpc(
                    procID: 11,
                    parameters: [
                        RPCParameter(name: "@handle", type: .int, value: .null, isOutput: true),
                        text("@P1 int, @P2 nvarchar(10)"), text("INSERT T VALUES (@P1, @P2)"),
                    ])))
        let prepared = try client.readResponse()
        #expect(prepared.errors.isEmpty, "\(prepared.errors)")
        let handleValue = prepared.tokens.compactMap { token -> SQLValue? in
            if case .returnValue("@handle", _, let value) = token { return value }
            return nil
        }.first
        guard case .int(let handle)? = handleValue else {
            Issue.record("sp_prepare returns the handle: \(prepared.tokens)")
            return
        }
        // Two sp_execute calls (id 12) in one message, separated by the batch flag 0xFF.
        func execute(_ id: Int, _ name: String) throws -> [UInt8] {
            try RequestBuilder.rpc(
                procID: 12,
                parameters: [
                    RPCParameter(name: "", type: .int, value: .int(handle)),
                    RPCParameter(name: "", type: .int, value: .int(Int64(id))),
                    RPCParameter(name: "", type: .nvarchar(10), value: .string(name)),
                ])
        }
        try client.send(
            type: 0x03,
            payload: RequestBuilder.allHeaders() + (try execute(1, "one")) + [0xFF] + (try execute(2, "two")))
        let executed = try client.readResponse()
        #expect(executed.errors.isEmpty, "\(executed.errors)")
        // Per call: DONEINPROC (count 1), then DONEPROC — MORE on the first call's DONEPROC only.
        #expect(executed.dones.map(\.token) == [0xFF, 0xFE, 0xFF, 0xFE])
        #expect(executed.dones.map(\.count) == [1, nil, 1, nil])
        #expect(executed.dones.map(\.hasMore) == [true, true, true, false])
        // sp_unprepare (id 15), then the handle is gone (8179).
        try client.send(
            type: 0x03,
            payload: RequestBuilder.allHeaders()
                + (try RequestBuilder.rpc(
                    procID: 15, parameters: [RPCParameter(name: "", type: .int, value: .int(handle))])))
        #expect(try client.readResponse().errors.isEmpty)
        try client.send(type: 0x03, payload: RequestBuilder.allHeaders() + (try execute(3, "three")))
        #expect(try client.readResponse().errors.map(\.number) == [8179])
        #expect(
            try client.batch("SELECT Id, Name FROM T ORDER BY Id").rows == [
                [.int(1), .string("one")], [.int(2), .string("two")],
            ])
    }
}
