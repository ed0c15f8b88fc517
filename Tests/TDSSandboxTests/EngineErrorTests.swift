import DBCore
import TDSSandbox
import Testing

@Suite("Engine: PostgreSQL errors as SQL Server errors")
struct EngineErrorTests {
    private func firstError(_ engine: PostgresSessionEngine, _ sql: String) throws -> SQLServerMessage {
        try #require(try engine.run(sql).errors.first)
    }

    @Test func constraintViolations() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok(
            """
            CREATE TABLE P (id int PRIMARY KEY, code nvarchar(10) UNIQUE, qty int NOT NULL, n int CHECK (n > 0))
            CREATE UNIQUE INDEX ix_p_qty ON P (qty)
            CREATE TABLE C (id int PRIMARY KEY, pid int REFERENCES P (id))
            INSERT P VALUES (1, 'a', 1, 1)
            """)
        let pk = try firstError(engine, "SELECT 1\n\nINSERT P VALUES (1, 'b', 2, 1)")
        #expect(pk.number == 2627 && pk.severity == 14 && pk.line == 3)
        #expect(pk.message.contains("PRIMARY KEY") && pk.message.contains("(1)"))
        #expect(try firstError(engine, "INSERT P VALUES (2, 'a', 2, 1)").number == 2627)
        let index = try firstError(engine, "INSERT P VALUES (2, 'b', 1, 1)")
        #expect(index.number == 2601 && index.severity == 14)
        #expect(try firstError(engine, "INSERT C VALUES (1, 99)").number == 547)
        #expect(try firstError(engine, "INSERT P VALUES (3, 'c', 3, 0)").number == 547)
        let null = try firstError(engine, "INSERT P (id, code) VALUES (4, 'd')")
        #expect(null.number == 515 && null.severity == 16)
    }

    @Test func namesSyntaxAndData() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int, s nvarchar(2), d date)")
        let missing = try firstError(engine, "SELECT 1\nSELECT * FROM NoSuchTable")
        #expect(missing.number == 208 && missing.severity == 16 && missing.line == 2)
        #expect(try firstError(engine, "SELECT nosuchcolumn FROM T").number == 207)
        let syntax = try firstError(engine, "SELECT * FROM T WHERE")
        #expect(syntax.number == 102 && syntax.severity == 15)
        #expect(try firstError(engine, "INSERT T (s) VALUES ('abc')").number == 2628)
        #expect(try firstError(engine, "SELECT 1 / 0").number == 8134)
        #expect(try firstError(engine, "SELECT CAST(2147483647 AS int) + CAST(1 AS int)").number == 8115)
        #expect(try firstError(engine, "INSERT T (d) VALUES ('2024-02-30')").number == 242)
        #expect(try firstError(engine, "INSERT T (d) VALUES ('not a date')").number == 241)
        #expect(try firstError(engine, "INSERT T (id) VALUES ('abc')").number == 245)
    }

    @Test func statementErrorsContinueBatchAbortingErrorsStop() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE K (id int PRIMARY KEY)")
        let continued = try engine.run("INSERT K VALUES (1)\nINSERT K VALUES (1)\nSELECT COUNT(*) FROM K")
        #expect(continued.errors.map(\.number) == [2627])
        #expect(continued.scalar == .int(1))
        // The failed statement still ends with its own DONE (no count), as SQL Server sends it.
        #expect(continued.doneCounts == [1, nil, 1])
        let aborted = try engine.run("SELECT * FROM Missing\nSELECT 42")
        #expect(aborted.errors.map(\.number) == [208])
        #expect(aborted.resultSets.isEmpty)
    }

    @Test func loginFailure() throws {
        let configuration = try EngineHarness.configuration()
        let factory = PostgresSessionEngine.makeFactory(postgres: configuration)
        let login = SandboxLogin(
            user: "nobody_here", password: "wrong", database: "", applicationName: "t", hostName: "h")
        do {
            _ = try factory(login)
            Issue.record("login should fail")
        } catch let error as SQLServerMessage {
            #expect(error.number == 18456)
            #expect(error.message == "Login failed for user 'nobody_here'.")
        }
        let noDatabase = SandboxLogin(
            user: configuration.user ?? "postgres", password: configuration.password ?? "",
            database: "no_such_database_at_all", applicationName: "t", hostName: "h")
        do {
            _ = try factory(noDatabase)
            Issue.record("login to a missing database should fail")
        } catch let error as SQLServerMessage {
            #expect(error.number == 4060)
        }
    }
}
