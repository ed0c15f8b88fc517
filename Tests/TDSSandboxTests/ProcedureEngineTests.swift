import DBCore
import Foundation
import TDSSandbox
import Testing

/// Stored procedures through the engine: CREATE / ALTER / DROP, calls by RPC and by EXEC in a batch.
@Suite("Procedures: engine")
struct ProcedureEngineTests {
    static let orderProcedure = """
        -- a comment line before the definition counts for line numbers
        CREATE PROCEDURE dbo.PlaceOrder
            @Customer nvarchar(50),
            @Quantity int = 1,
            @Price decimal(10,2),
            @Total decimal(12,2) OUTPUT,
            @Note nvarchar(20) = N'none' OUTPUT
        AS
        BEGIN
            SET NOCOUNT ON
            DECLARE @line int
            SET @Total = @Quantity * @Price
            INSERT Orders (Customer, Total) VALUES (@Customer, @Total)
            SELECT Customer, Total FROM Orders WHERE Customer = @Customer
            SELECT COUNT(*) AS Orders FROM Orders
            IF @Total > 100
            BEGIN
                SET @Note = N'big'
                RETURN 2
            END
            ELSE
                SET @Note = @Note + N'!'
            RETURN 1
        END
        """

    private func outputs(_ recorded: Recorded) -> [(RPCParameter, Int)] {
        recorded.events.compactMap { event in
            if case .returnValue(let parameter, let ordinal) = event { return (parameter, ordinal) }
            return nil
        }
    }

    private func returnStatuses(_ recorded: Recorded) -> [Int32] {
        recorded.events.compactMap { if case .returnStatus(let status) = $0 { return status } else { return nil } }
    }

    private func makeOrders(_ engine: PostgresSessionEngine) throws {
        _ = try engine.ok(
            "CREATE TABLE Orders (Id int IDENTITY(1,1) PRIMARY KEY, Customer nvarchar(50), Total decimal(12,2))")
        _ = try engine.ok(Self.orderProcedure)
    }

    @Test func rpcWithInputOutputAndDefaultParameters() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        try makeOrders(engine)
        let result = try engine.rpc(
            "dbo.PlaceOrder",
            [
                RPCParameter(name: "@Customer", type: .nvarchar(50), value: .string("Ann")),
                RPCParameter(
                    name: "@Price", type: .decimal(precision: 10, scale: 2), value: .decimal(SQLDecimal("30.00")!)),
                RPCParameter(name: "@Total", type: .decimal(precision: 12, scale: 2), value: .null, isOutput: true),
                RPCParameter(name: "@Note", type: .nvarchar(20), value: .string("hi"), isOutput: true),
            ])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.resultSets.count == 2)
        #expect(result.resultSets.first?.rows == [[.string("Ann"), .decimal(SQLDecimal("30.00")!)]])
        #expect(result.resultSets.last?.rows == [[.int(1)]])
        #expect(returnStatuses(result) == [1])
        let returned = outputs(result)
        #expect(returned.map(\.0.name) == ["@Total", "@Note"])
        #expect(returned.map(\.1) == [2, 3])
        #expect(returned.first?.0.value == .decimal(SQLDecimal("30.00")!))
        #expect(returned.first?.0.type == .decimal(precision: 12, scale: 2))
        #expect(returned.last?.0.value == .string("hi!"))
        // RETURNSTATUS comes before the RETURNVALUEs; every statement reports DONEINPROC.
        let kinds = result.events.compactMap { event -> String? in
            switch event {
            case .returnStatus: return "status"
            case .returnValue: return "value"
            case .statementDone(_, let inProcedure): return inProcedure ? "doneinproc" : "done"
            default: return nil
            }
        }
        #expect(!kinds.contains("done"))
        #expect(kinds.suffix(3) == ["status", "value", "value"])
        // SET NOCOUNT ON inside the procedure: the DONEINPROCs carry no counts.
        #expect(result.doneCounts.allSatisfy { $0 == nil })
    }

    @Test func rpcPositionalArgumentsAndTheOtherBranch() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        try makeOrders(engine)
        let result = try engine.rpc(
            "PlaceOrder",
            [
                RPCParameter(name: "", type: .nvarchar(50), value: .string("Bob")),
                RPCParameter(name: "", type: .int, value: .int(5)),
                RPCParameter(name: "", type: .decimal(precision: 10, scale: 2), value: .decimal(SQLDecimal("40.00")!)),
                RPCParameter(name: "", type: .decimal(precision: 12, scale: 2), value: .null, isOutput: true),
            ])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(returnStatuses(result) == [2])
        #expect(outputs(result).map(\.0.value) == [.decimal(SQLDecimal("200.00")!)])
        #expect(outputs(result).map(\.0.name) == ["@Total"])
    }

    @Test func execInABatchAssignsOutputVariablesAndTheReturnStatus() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        try makeOrders(engine)
        let result = try engine.ok(
            """
            DECLARE @t decimal(12,2), @n nvarchar(20) = N'x', @rc int
            EXEC @rc = PlaceOrder @Customer = N'Cy', @Price = 2.5, @Quantity = 4, @Total = @t OUTPUT, @Note = @n OUTPUT
            EXECUTE PlaceOrder N'Di', 1, 7, @t OUTPUT
            SELECT @rc AS rc, @t AS t, @n AS n
            """)
        #expect(result.resultSets.last?.rows == [[.int(1), .decimal(SQLDecimal("7.00")!), .string("x!")]])
        #expect(returnStatuses(result) == [1, 1])
    }

    @Test func missingAndUnknownParametersAreErrors() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        try makeOrders(engine)
        let missing = try engine.run("EXEC PlaceOrder @Customer = N'x'")
        #expect(missing.errors.first?.number == 201)
        #expect(missing.errors.first?.message.contains("@Price") == true)
        let unknown = try engine.run("EXEC PlaceOrder @Customer = N'x', @Price = 1, @Bogus = 2")
        #expect(unknown.errors.first?.number == 8145)
        let notFound = try engine.rpc("NoSuchProc", [])
        #expect(notFound.errors.first?.number == 2812)
        let tooMany = try engine.run("EXEC PlaceOrder N'x', 1, 2, NULL, NULL, 6")
        #expect(tooMany.errors.first?.number == 8144)
    }

    @Test func errorsInsideAProcedureCarryItsNameAndLine() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE Keys (Id int PRIMARY KEY)")
        _ = try engine.ok(
            """
            CREATE PROCEDURE AddKey @Id int
            AS
                INSERT Keys VALUES (@Id)
                RAISERROR ('after insert', 16, 1)
                RETURN 0
            """)
        _ = try engine.run("EXEC AddKey 1")
        let duplicate = try engine.rpc("AddKey", [RPCParameter(name: "@Id", type: .int, value: .int(1))])
        let errors = duplicate.errors
        #expect(errors.map(\.number) == [2627, 50000])
        #expect(errors.map(\.procedure) == ["AddKey", "AddKey"])
        #expect(errors.map(\.line) == [3, 4])
        let print = try engine.run("CREATE OR ALTER PROCEDURE AddKey @Id int AS\nPRINT 'p'\nSELECT 1/0")
        #expect(print.errors.isEmpty, "\(print.errors)")
        let divide = try engine.run("EXEC AddKey 2")
        #expect(divide.errors.first?.number == 8134)
        #expect(divide.errors.first?.line == 3)
        #expect(divide.messages.first?.procedure == "AddKey")
    }

    @Test func unsupportedBodiesAreRefusedAtCreate() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let transaction = try engine.run("CREATE PROCEDURE p1 AS\nBEGIN TRAN\nCOMMIT")
        #expect(transaction.errors.first?.number == 40517)
        #expect(transaction.errors.first?.message.contains("transaction statements") == true)
        #expect(transaction.errors.first?.line == 2)
        let ddl = try engine.run("CREATE PROCEDURE p2 AS CREATE TABLE x (a int)")
        #expect(ddl.errors.first?.message.contains("DDL") == true)
        let cursor = try engine.run("CREATE PROCEDURE p3 AS DECLARE c CURSOR FOR SELECT 1")
        #expect(cursor.errors.first != nil)
        let recorded = try engine.run("EXEC p1")
        #expect(recorded.errors.first?.number == 2812)
    }

    @Test func createAlterDropLifecycle() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE PROCEDURE Answer AS SELECT 41 AS a")
        #expect(try engine.run("CREATE PROCEDURE Answer AS SELECT 1").errors.first?.number == 2714)
        _ = try engine.ok("ALTER PROCEDURE dbo.Answer AS SELECT 42 AS a")
        #expect(try engine.ok("EXEC Answer").scalar == .int(42))
        _ = try engine.ok("CREATE OR ALTER PROCEDURE Answer @x int = 43 AS SELECT @x AS a")
        #expect(try engine.ok("EXEC Answer").scalar == .int(43))
        _ = try engine.ok("DROP PROCEDURE Answer")
        #expect(try engine.run("DROP PROCEDURE Answer").errors.first?.number == 3701)
        _ = try engine.ok("DROP PROCEDURE IF EXISTS Answer")
        #expect(try engine.run("EXEC Answer").errors.first?.number == 2812)
        _ = try engine.ok("CREATE SCHEMA Sales")
        _ = try engine.ok("CREATE PROC Sales.Answer AS SELECT 7 AS a")
        #expect(try engine.ok("EXEC Sales.Answer").scalar == .int(7))
        #expect(try engine.run("EXEC Answer").errors.first?.number == 2812)
    }

    @Test func nestedCallsAndRecursionLimit() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE PROCEDURE Inner1 @v int OUTPUT AS SET @v = @v * 2")
        _ = try engine.ok("CREATE PROCEDURE Outer1 @v int AS\nEXEC Inner1 @v OUTPUT\nSELECT @v AS v")
        #expect(try engine.ok("EXEC Outer1 21").scalar == .int(42))
        _ = try engine.ok("CREATE PROCEDURE Forever AS EXEC Forever")
        let result = try engine.run("EXEC Forever")
        #expect(result.errors.first?.number == 217)
        #expect(try engine.ok("SELECT 1 AS ok").scalar == .int(1))
    }
}
