import DBCore
import Foundation
import NIOCore
import Testing
import ThrowawayServers

@testable import TDSSandbox

extension FreeTDSTool {
    /// A new database on the shared throwaway PostgreSQL, and its configuration.
    static func freshDatabase(prefix: String) throws -> ConnectionConfiguration {
        let server = try ThrowawayPostgres.shared()
        let database = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try server.createDatabase(named: database)
        return server.configuration(database: database)
    }
}

@Suite(
    "Procedures: through tsql and raw RPC packets",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tsql"), "tsql is not installed"))
struct ProcedureFreeTDSTests {
    @Test func execThroughTsqlAndSurvivingARestart() throws {
        let configuration = try FreeTDSTool.freshDatabase(prefix: "tds_proc_")
        let factory = PostgresSessionEngine.makeFactory(postgres: configuration)
        let first = TDSSandboxServer()
        let port = try first.start(host: "127.0.0.1", port: 0, engineFactory: factory)
        let created = try FreeTDSTool.tsql(
            port: port, configuration: configuration,
            input: """
                CREATE TABLE Orders (Id int IDENTITY(1,1) PRIMARY KEY, Customer nvarchar(50), Total decimal(12,2))
                go
                \(ProcedureEngineTests.orderProcedure)
                go
                DECLARE @t decimal(12,2), @n nvarchar(20) = N'note', @rc int
                EXEC @rc = PlaceOrder N'Eve', 3, 50, @t OUTPUT, @n OUTPUT
                SELECT 'out', @rc AS rc, @t AS t, @n AS n
                go
                exit

                """)
        first.stop()
        #expect(!created.contains("Msg "), "\(created)")
        #expect(created.contains("Eve"), "\(created)")
        #expect(created.contains("out\t2\t150.00\tbig"), "\(created)")

        let second = TDSSandboxServer()
        let secondPort = try second.start(host: "127.0.0.1", port: 0, engineFactory: factory)
        defer { second.stop() }
        let again = try FreeTDSTool.tsql(
            port: secondPort, configuration: configuration,
            input: """
                DECLARE @t decimal(12,2), @rc int
                EXECUTE @rc = dbo.PlaceOrder @Customer = N'Fay', @Price = 1.5, @Total = @t OUTPUT
                SELECT 'out', @rc AS rc, @t AS t
                go
                EXEC PlaceOrder @Customer = N'x'
                go
                exit

                """)
        #expect(again.contains("Fay"), "\(again)")
        #expect(again.contains("out\t1\t1.50"), "\(again)")
        #expect(again.contains("Msg 201"), "\(again)")
        #expect(again.contains("Procedure PlaceOrder"), "\(again)")
    }

    @Test func rpcOverRawPacketsReturnsStatusValuesAndDoneProc() throws {
        let configuration = try FreeTDSTool.freshDatabase(prefix: "tds_prpc_")
        let sandbox = TDSSandboxServer()
        let port = try sandbox.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: configuration))
        defer { sandbox.stop() }
        let client = try RawTDSClient(port: port)
        try client.login(user: configuration.user ?? "postgres", password: configuration.password?.revealed ?? "")
        #expect(
            try client.batch("CREATE TABLE Orders (Id int IDENTITY(1,1), Customer nvarchar(50), Total decimal(12,2))")
                .first == 0xFD)
        _ = try client.batch(ProcedureEngineTests.orderProcedure)
        let parameters = [
            RPCParameter(name: "@Customer", type: .nvarchar(50), value: .string("Gus")),
            RPCParameter(name: "@Quantity", type: .int, value: .int(2)),
            RPCParameter(
                name: "@Price", type: .decimal(precision: 10, scale: 2), value: .decimal(SQLDecimal("60.00")!)),
            RPCParameter(name: "@Total", type: .decimal(precision: 12, scale: 2), value: .null, isOutput: true),
        ]
        try client.send(
            type: 0x03,
            payload: RequestBuilder.allHeaders() + (try RequestBuilder.rpc(name: "PlaceOrder", parameters: parameters)))
        let response = try client.readMessage()
        // Two result sets, RETURNSTATUS 2, RETURNVALUE @Total = 120.00 (ordinal 3, decimal(12,2)), DONEPROC last.
        #expect(response.filter { $0 == 0x81 }.count >= 2)
        #expect(response.contains(subsequence: [0x79, 0x02, 0x00, 0x00, 0x00]))
        let writer = TDSTokenWriter(version: .v7_4, serverName: "x")
        var token = ByteBuffer()
        try writer.writeReturnValue(
            RPCParameter(
                name: "@Total", type: .decimal(precision: 12, scale: 2), value: .decimal(SQLDecimal("120.00")!),
                isOutput: true),
            ordinal: 3, into: &token)
        #expect(response.contains(subsequence: Array(token.readableBytesView)))
        #expect(Array(response.suffix(13)).first == 0xFE)
        #expect(Array(response.suffix(13))[1] & 0x01 == 0)
        // The session stays usable.
        #expect(try client.batch("SELECT 1").first == 0x81)
    }
}
