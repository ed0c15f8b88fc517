import DBCore
import TDSSandbox
import Testing

@Suite("Engine: RPC", .enabled(if: EngineHarness.pgDriverAvailable))
struct EngineRPCTests {
    private func text(_ value: String) -> RPCParameter {
        RPCParameter(name: "", type: .nvarchar(nil), value: .string(value))
    }

    @Test func executeSQLWithOutputParameters() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.rpc("sp_executesql", [
            text("SET @total = @price * @qty SELECT @name AS Name"),
            text("@name nvarchar(20), @price decimal(12,2), @qty int, @total decimal(12,2) OUTPUT"),
            RPCParameter(name: "", type: .nvarchar(20), value: .string("widget")),
            RPCParameter(name: "", type: .decimal(precision: 12, scale: 2), value: .decimal(SQLDecimal("2.50")!)),
            RPCParameter(name: "@qty", type: .int, value: .int(4)),
            RPCParameter(name: "@total", type: .decimal(precision: 12, scale: 2), value: .null, isOutput: true),
        ])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.resultSets.first?.columns.first == ResultColumn(name: "Name", type: .nvarchar(20)))
        #expect(result.scalar == .string("widget"))
        let outputs = result.events.compactMap { event -> (RPCParameter, Int)? in
            if case .returnValue(let parameter, let ordinal) = event { return (parameter, ordinal) }
            return nil
        }
        #expect(outputs.count == 1)
        #expect(outputs.first?.0.value == .decimal(SQLDecimal("10.00")!))
        #expect(outputs.first?.1 == 5)
        guard case .returnStatus(0)? = result.events.last else {
            Issue.record("RETURNSTATUS 0 must end the RPC")
            return
        }
    }

    @Test func executeSQLInsideABatch() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            CREATE TABLE T (Id int, Name nvarchar(10))
            DECLARE @count int
            EXEC sp_executesql N'INSERT T VALUES (@id, @name)', N'@id int, @name nvarchar(10)', @id = 7, @name = N'seven'
            EXEC sp_executesql N'SELECT @c = COUNT(*) FROM T', N'@c int OUTPUT', @c = @count OUTPUT
            SELECT @count AS n, Name FROM T
            """)
        #expect(result.resultSets.last?.rows == [[.int(1), .string("seven")]])
        #expect(result.events.contains { if case .statementDone(1, true) = $0 { return true } else { return false } })
    }

    @Test func missingParameterAndUnknownProcedure() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let missing = try engine.rpc("sp_executesql", [text("SELECT @a"), text("@a int")])
        #expect(missing.errors.first?.number == 8178)
        let unknown = try engine.rpc("sp_nothing", [])
        #expect(unknown.errors.first?.number == 2812)
    }

    @Test func prepareExecuteUnprepare() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int, name nvarchar(10))")
        let prepared = try engine.rpc("sp_prepare", [
            RPCParameter(name: "@handle", type: .int, value: .null, isOutput: true),
            text("@P1 int, @P2 nvarchar(10)"), text("INSERT T VALUES (@P1, @P2)"),
        ])
        guard case .returnValue(let handleParameter, 0)? = prepared.events.first(where: {
            if case .returnValue = $0 { return true } else { return false }
        }), case .int(let handle) = handleParameter.value else {
            Issue.record("sp_prepare returns the handle")
            return
        }
        for (id, name) in [(1, "one"), (2, "two")] {
            let executed = try engine.rpc("12", [
                RPCParameter(name: "", type: .int, value: .int(handle)),
                RPCParameter(name: "", type: .int, value: .int(Int64(id))),
                RPCParameter(name: "", type: .nvarchar(10), value: .string(name)),
            ])
            #expect(executed.errors.isEmpty, "\(executed.errors)")
            #expect(executed.doneCounts == [1])
        }
        #expect(try engine.ok("SELECT COUNT(*) FROM T").scalar == .int(2))
        let unprepared = try engine.rpc("sp_unprepare", [RPCParameter(name: "", type: .int, value: .int(handle))])
        #expect(unprepared.errors.isEmpty)
        let gone = try engine.rpc("sp_execute", [RPCParameter(name: "", type: .int, value: .int(handle))])
        #expect(gone.errors.first?.number == 8179)
    }
}
