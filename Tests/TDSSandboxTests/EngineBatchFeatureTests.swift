import DBCore
import Foundation
import TDSSandbox
import Testing
import ThrowawayServers

@Suite("Engine: variables, control flow, identity and sessions")
struct EngineBatchFeatureTests {
    @Test func variablesIfElseAndPrint() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            DECLARE @n int = 2, @label nvarchar(20)
            SET @n += 3
            IF @n > 4
                BEGIN
                    SET @label = N'big'
                    PRINT 'n is ' + CAST(@n AS nvarchar(10))
                END
            ELSE
                SET @label = N'small'
            SELECT @n AS n, @label AS label
            IF OBJECT_ID('dbo.nothing') IS NULL SELECT 'absent' AS what
            """)
        #expect(result.resultSets.first?.rows.first == [.int(5), .string("big")])
        #expect(
            result.resultSets.first?.columns == [
                ResultColumn(name: "n", type: .int), ResultColumn(name: "label", type: .nvarchar(20)),
            ])
        #expect(result.messages.contains { $0.severity == 0 && $0.message == "n is 5" })
        #expect(result.resultSets.last?.rows.first == [.string("absent")])
    }

    @Test func updateOutputsOldAndNewValues() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE Stock (Id int PRIMARY KEY, Qty int)\nINSERT Stock VALUES (1, 10), (2, 20)")
        let result = try engine.ok(
            "UPDATE Stock SET Qty = Qty - 3 OUTPUT DELETED.Qty AS Before, INSERTED.Qty WHERE Id = 2")
        let set = try #require(result.resultSets.first)
        #expect(set.columns.map(\.name) == ["Before", "Qty"])
        #expect(set.rows == [[.int(20), .int(17)]])
        #expect(result.doneCounts == [1])
        #expect(try engine.ok("SELECT SUM(Qty) FROM Stock").scalar == .int(27))
    }

    @Test func whileLoopsWithBreakAndContinue() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            SET NOCOUNT ON
            CREATE TABLE N (n int)
            DECLARE @i int = 0
            WHILE @i < 1000
            BEGIN
                SET @i = @i + 1
                IF @i % 2 = 0 CONTINUE
                IF @i > 901 BREAK
                INSERT N VALUES (@i)
            END
            SELECT COUNT(*), MAX(n), @i FROM N
            """)
        #expect(result.resultSets.first?.rows.first == [.int(451), .int(901), .int(903)])
    }

    @Test func raiserrorContinuesThrowEndsTheBatch() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.run(
            "RAISERROR('first problem', 16, 2)\nRAISERROR(N'just info', 10, 1) WITH NOWAIT\nSELECT @@ERROR\nTHROW 50001, N'stop here', 3\nSELECT 99"
        )
        #expect(result.errors.map(\.number) == [50000, 50001])
        #expect(result.errors.map(\.line) == [1, 4])
        #expect(result.errors.map(\.state) == [2, 3])
        #expect(result.messages.contains { $0.severity == 10 && $0.message == "just info" })
        #expect(result.resultSets.count == 1)
        #expect(result.scalar == .int(0))
    }

    @Test func identityFunctionsAndSelectAssignment() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            CREATE TABLE T (Id int IDENTITY(100, 5) PRIMARY KEY, Name nvarchar(10))
            INSERT T (Name) VALUES (N'a')
            INSERT T (Name) VALUES (N'b')
            CREATE TABLE U (Id int)
            SELECT SCOPE_IDENTITY() AS si, @@IDENTITY AS ii
            DECLARE @name nvarchar(10)
            SELECT @name = Name FROM T ORDER BY Id
            SELECT @name
            """)
        #expect(result.resultSets.first?.rows.first == [.decimal(SQLDecimal(105)), .decimal(SQLDecimal(105))])
        #expect(result.resultSets.first?.columns.first?.type == .decimal(precision: 38, scale: 0))
        #expect(result.scalar == .string("b"))
    }

    @Test func stringConcatenationAndBitComparisons() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            CREATE TABLE B (Name nvarchar(10), Active bit)
            INSERT B VALUES (N'x', 1), (N'y', CAST(0 AS bit))
            SELECT Name + N'!' AS shout FROM B WHERE Active = 1
            """)
        #expect(result.resultSets.first?.rows == [[.string("x!")]])
        let later = try engine.ok(
            "INSERT B (Active, Name) VALUES (0, N'z')\nUPDATE B SET Active = 1 WHERE Name = N'y'\nSELECT COUNT(*) FROM B WHERE Active = 1"
        )
        #expect(later.scalar == .int(2))
    }

    @Test func temporaryTablesAndBitCasts() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            CREATE TABLE #Work (Id int IDENTITY(1,1), Label nvarchar(10), Flag bit)
            INSERT #Work (Label, Flag) VALUES (N'a', CAST(2 AS bit)), (N'b', CAST(0 AS bit)), (N'c', CAST(NULL AS bit))
            SELECT * FROM #Work ORDER BY Id
            """)
        let set = try #require(result.resultSets.first)
        #expect(set.columns.map(\.name) == ["Id", "Label", "Flag"])
        #expect(set.columns.map(\.type) == [.int, .nvarchar(10), .bit])
        #expect(set.rows.map { $0[2] } == [.bool(true), .bool(false), .null])
    }

    @Test func useSwitchesDatabases() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let server = try ThrowawayPostgres.shared()
        let other = "tds_use_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        try server.createDatabase(named: other)
        let old = engine.currentDatabase
        let result = try engine.ok("USE \(other)\nSELECT DB_NAME()")
        #expect(result.environmentChanges == [.database(new: other, old: old)])
        #expect(result.scalar == .string(other))
        #expect(engine.currentDatabase == other)
        #expect(try engine.run("USE no_such_database_here").errors.first?.number == 911)
    }

    @Test func manySessionsConnectAtOnceToAFreshDatabase() throws {
        let server = try ThrowawayPostgres.shared()
        let database = "tds_many_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        try server.createDatabase(named: database)
        let configuration = server.configuration(database: database)
        let factory = PostgresSessionEngine.makeFactory(postgres: configuration)
        let login = SandboxLogin(
            user: configuration.user ?? "postgres", password: configuration.password ?? "", database: database,
            applicationName: "many", hostName: "localhost")
        let failures = NSLockedCounter()
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            do {
                let engine = try factory(login)
                defer { engine.close() }
                var errors = 0
                _ = try engine.executeBatch("CREATE TABLE T\(index) (Id int)\nSELECT * FROM T\(index)") { event in
                    if case .message(let message) = event, message.severity > 10 { errors += 1 }
                }
                if errors > 0 { failures.add() }
            } catch {
                failures.add()
            }
        }
        #expect(failures.value == 0)
    }
}

/// A counter behind a lock.
final class NSLockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
