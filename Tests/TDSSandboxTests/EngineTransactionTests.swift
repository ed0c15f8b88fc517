import DBCore
import TDSSandbox
import Testing

@Suite("Engine: T-SQL transactions")
struct EngineTransactionTests {
    @Test func nestingAndTranCount() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int)")
        let nested = try engine.ok(
            "BEGIN TRAN\nBEGIN TRANSACTION inner_tx\nINSERT T VALUES (1)\nSELECT @@TRANCOUNT\nCOMMIT\nSELECT @@TRANCOUNT"
        )
        #expect(nested.resultSets.map { $0.rows.first?.first } == [.int(2), .int(1)])
        guard case .beginTransaction(let descriptor)? = nested.environmentChanges.first else {
            Issue.record("no begin ENVCHANGE")
            return
        }
        #expect(descriptor != 0)
        #expect(nested.environmentChanges.count == 1)
        let rolledBack = try engine.ok("ROLLBACK\nSELECT @@TRANCOUNT, COUNT(*) FROM T")
        #expect(rolledBack.environmentChanges == [.rollbackTransaction(descriptor: descriptor)])
        #expect(rolledBack.resultSets.first?.rows.first == [.int(0), .int(0)])
        let committed = try engine.ok("BEGIN TRAN\nINSERT T VALUES (2)\nCOMMIT TRAN\nSELECT COUNT(*) FROM T")
        #expect(committed.scalar == .int(1))
        guard case .commitTransaction? = committed.environmentChanges.last else {
            Issue.record("no commit ENVCHANGE")
            return
        }
        #expect(try engine.run("COMMIT").errors.first?.number == 3902)
        #expect(try engine.run("ROLLBACK").errors.first?.number == 3903)
    }

    @Test func savepoints() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int)")
        let result = try engine.ok(
            """
            BEGIN TRAN
            INSERT T VALUES (1)
            SAVE TRAN sp1
            INSERT T VALUES (2)
            ROLLBACK TRAN sp1
            SELECT @@TRANCOUNT, COUNT(*) FROM T
            COMMIT
            """)
        #expect(result.resultSets.first?.rows.first == [.int(1), .int(1)])
        #expect(try engine.run("SAVE TRAN nope").errors.first?.number == 628)
    }

    @Test func implicitTransactions() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int)")
        let result = try engine.ok("SET IMPLICIT_TRANSACTIONS ON\nINSERT T VALUES (1)\nSELECT @@TRANCOUNT")
        #expect(result.scalar == .int(1))
        #expect(result.environmentChanges.count == 1)
        _ = try engine.ok("ROLLBACK")
        let after = try engine.ok("SET IMPLICIT_TRANSACTIONS OFF\nSELECT COUNT(*) FROM T")
        #expect(after.scalar == .int(0))
    }

    @Test func dbAPIDriverSessionCommands() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok(
            "SET TEXTSIZE 2147483647; SET ANSI_NULLS ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON; "
                + "SET CONCAT_NULL_YIELDS_NULL ON; SET QUOTED_IDENTIFIER ON; SET IMPLICIT_TRANSACTIONS ON")
        #expect(try engine.ok("IF @@TRANCOUNT > 0 COMMIT TRAN").errors.isEmpty)
        let created = try engine.ok("CREATE TABLE T (Id bigint)")
        #expect(created.environmentChanges.count == 1)
        let inserted = try engine.rpc(
            "sp_executesql",
            [
                RPCParameter(name: "", type: .nvarchar(nil), value: .string("INSERT INTO T (Id) VALUES (@P1)")),
                RPCParameter(name: "", type: .nvarchar(nil), value: .string("@P1 BIGINT")),
                RPCParameter(name: "@P1", type: .bigint, value: .int(42)),
            ])
        #expect(inserted.errors.isEmpty, "\(inserted.errors)")
        let committed = try engine.ok("IF @@TRANCOUNT > 0 COMMIT TRAN")
        guard case .commitTransaction? = committed.environmentChanges.first else {
            Issue.record("the DDL and INSERT ran in one implicit transaction that COMMIT ends")
            return
        }
        _ = try engine.ok("INSERT T VALUES (43)")
        _ = try engine.ok("IF @@TRANCOUNT > 0 ROLLBACK TRAN")
        let after = try engine.ok("IF @@TRANCOUNT > 0 COMMIT TRAN; SET IMPLICIT_TRANSACTIONS OFF")
        #expect(after.environmentChanges.isEmpty)
        #expect(try engine.ok("SELECT COUNT(*) FROM T").scalar == .int(1))
        #expect(try engine.ok("SELECT @@TRANCOUNT").scalar == .int(0))
    }

    @Test func tryCatchHandsTheErrorToCatch() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int PRIMARY KEY)")
        let result = try engine.run(
            """
            BEGIN TRY
                INSERT T VALUES (1)
                INSERT T VALUES (1)
                SELECT 'not reached'
            END TRY
            BEGIN CATCH
                SELECT ERROR_NUMBER() AS n, ERROR_LINE() AS l, XACT_STATE() AS x, ERROR_MESSAGE() AS m
            END CATCH
            SELECT COUNT(*) FROM T
            """)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let caught = try #require(result.resultSets.first?.rows.first)
        #expect(Array(caught.prefix(3)) == [.int(2627), .int(3), .int(0)])
        #expect(result.scalar == .int(1))
    }

    @Test func tryCatchUnderXactAbortDoomsTheTransactionAndThrowRethrows() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int PRIMARY KEY)")
        let result = try engine.run(
            """
            SET XACT_ABORT ON
            BEGIN TRY
                BEGIN TRAN
                INSERT T VALUES (1)
                INSERT T VALUES (1)
                COMMIT
            END TRY
            BEGIN CATCH
                SELECT XACT_STATE() AS x, @@TRANCOUNT AS tc
                IF XACT_STATE() = -1 ROLLBACK
                ;THROW
            END CATCH
            SELECT 'not reached'
            """)
        #expect(result.resultSets.first?.rows.first == [.int(-1), .int(1)])
        #expect(result.resultSets.count == 1)
        #expect(result.errors.map(\.number) == [2627])
        #expect(
            try engine.ok("SET XACT_ABORT OFF SELECT @@TRANCOUNT, COUNT(*) FROM T").resultSets.first?.rows.first == [
                .int(0), .int(0),
            ])
    }

    @Test func xactAbortOffRollsBackOnlyTheStatement() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int PRIMARY KEY)")
        let result = try engine.run(
            "BEGIN TRAN\nINSERT T VALUES (1)\nINSERT T VALUES (1)\nINSERT T VALUES (2)\nCOMMIT\nSELECT COUNT(*) FROM T")
        #expect(result.errors.map(\.number) == [2627])
        #expect(result.errors.first?.line == 3)
        #expect(result.scalar == .int(2))
    }

    @Test func xactAbortOnRollsBackTheTransaction() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int PRIMARY KEY)")
        let result = try engine.run(
            "SET XACT_ABORT ON\nBEGIN TRAN\nINSERT T VALUES (1)\nINSERT T VALUES (1)\nINSERT T VALUES (2)\nCOMMIT")
        #expect(result.errors.map(\.number) == [2627])
        guard case .rollbackTransaction? = result.environmentChanges.last else {
            Issue.record("no rollback ENVCHANGE")
            return
        }
        let after = try engine.ok("SELECT @@TRANCOUNT, COUNT(*) FROM T")
        #expect(after.resultSets.first?.rows.first == [.int(0), .int(0)])
    }

    @Test func noCountAndRowCount() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            "CREATE TABLE T (id int)\nINSERT T VALUES (1), (2)\nSELECT @@ROWCOUNT\nSET NOCOUNT ON\nINSERT T VALUES (3)")
        #expect(result.doneCounts == [nil, 2, 1, nil, nil])
        #expect(result.scalar == .int(2))
    }

    @Test func isolationLevelIsApplied() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE\nBEGIN TRAN\nSELECT current_setting('transaction_isolation')\nCOMMIT"
        )
        #expect(result.scalar == .string("serializable"))
    }
}
