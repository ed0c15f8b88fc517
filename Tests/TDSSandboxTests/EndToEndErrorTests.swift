import DBCore
import Foundation
import TDSSandbox
import Testing

/// Every error mapping over the wire: the ERROR token's number, severity, state and the line of the failing
/// statement in a multi-line batch, the DONE's ERROR bit, and a real deadlock between two sessions.
@Suite("End to end: errors")
struct EndToEndErrorTests {
    static let setup = """
        CREATE TABLE Parent (Id int PRIMARY KEY, Code nvarchar(10) NOT NULL, Qty int NULL)
        CREATE UNIQUE INDEX IX_Parent_Code ON Parent (Code)
        CREATE TABLE Child (Id int PRIMARY KEY, ParentId int REFERENCES Parent (Id), Short varchar(3))
        INSERT Parent VALUES (1, N'a', 1)
        """

    /// The failing statement, the error's number, severity and state.
    static let cases: [(sql: String, number: Int, severity: Int, state: Int)] = [
        ("INSERT Parent VALUES (1, N'b', 2)", 2627, 14, 1),
        ("INSERT Parent VALUES (2, N'a', 2)", 2601, 14, 1),
        ("INSERT Child VALUES (1, 99, 'x')", 547, 16, 0),
        ("INSERT Parent (Id, Code) VALUES (3, NULL)", 515, 16, 2),
        ("SELECT * FROM NoSuchTable", 208, 16, 1),
        ("SELECT NoSuchColumn FROM Parent", 207, 16, 1),
        ("SELECT * FROM Parent WHERE Id = = 1", 102, 15, 1),
        ("INSERT Child VALUES (2, 1, 'toolong')", 2628, 16, 1),
        ("SELECT 1 / 0", 8134, 16, 1),
    ]

    @Test(arguments: 0..<cases.count)
    func errorTokenCarriesNumberSeverityStateAndLine(index: Int) throws {
        let entry = Self.cases[index]
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        #expect(try client.batch(Self.setup).errors.isEmpty)
        // The failing statement starts on line 4 (after a comment line, a blank line and a DECLARE).
        let response = try client.batch("-- line 1\n\nDECLARE @n int = 1\n" + entry.sql + "\n")
        let error = try #require(response.errors.first, "\(entry.sql)")
        #expect(response.errors.count == 1)
        #expect(error.number == entry.number, "\(entry.sql): \(error.text)")
        #expect(error.severity == entry.severity, "\(entry.sql)")
        #expect(error.state == entry.state, "\(entry.sql)")
        #expect(error.line == 4, "\(entry.sql)")
        #expect(error.server == "TDSSANDBOX")
        #expect(!error.text.isEmpty)
        // The response's last DONE carries the ERROR bit and ends the response.
        #expect(response.final?.hasError == true, "\(entry.sql)")
        #expect(response.final?.hasMore == false)
        // The session goes on.
        #expect(try client.batch("SELECT COUNT(*) FROM Parent").scalar == .int(1))
    }

    @Test(.enabled(if: EndToEndSandbox.hasTsql, "tsql is not installed"))
    func tsqlPrintsEveryErrorWithItsLine() throws {
        let sandbox = try EndToEndSandbox()
        var input = Self.setup + "\ngo\n"
        for entry in Self.cases { input += "SELECT 1 AS ok\n\n" + entry.sql + "\ngo\n" }
        let results = try sandbox.tsql(input + "exit\n")
        #expect(results.errors.map(\.number) == Self.cases.map(\.number), "\(results.printed)")
        #expect(results.errors.map(\.severity) == Self.cases.map(\.severity), "\(results.printed)")
        #expect(results.errors.map(\.state) == Self.cases.map(\.state), "\(results.printed)")
        #expect(results.errors.allSatisfy { $0.line == 3 }, "\(results.printed)")
        #expect(results.errors.last?.text == "Divide by zero error encountered.")
    }

    @Test func deadlockBetweenTwoSessionsIs1205AndRollsBackTheVictim() throws {
        let sandbox = try EndToEndSandbox()
        let first = try sandbox.client(application: "deadlock-a")
        let second = try sandbox.client(application: "deadlock-b")
        #expect(
            try first.batch("CREATE TABLE D (Id int PRIMARY KEY, V int)\nINSERT D VALUES (1, 0), (2, 0)").errors.isEmpty
        )
        #expect(try first.batch("BEGIN TRAN\nUPDATE D SET V = 1 WHERE Id = 1").errors.isEmpty)
        #expect(try second.batch("BEGIN TRAN\nUPDATE D SET V = 2 WHERE Id = 2").errors.isEmpty)
        // The first session waits for row 2, held by the second…
        try first.sendBatch("DECLARE @x int = 1\nUPDATE D SET V = 1 WHERE Id = 2")
        #expect(try sandbox.eventually { try sandbox.isWaitingForLock(application: "deadlock-a") })
        // …which now waits for row 1: a cycle PostgreSQL's deadlock detector breaks by failing one of them.
        try second.sendBatch("DECLARE @x int = 2\nUPDATE D SET V = 2 WHERE Id = 1")
        let responses = [try first.readResponse(), try second.readResponse()]
        let victims = responses.indices.filter { !responses[$0].errors.isEmpty }
        try #require(victims.count == 1, "\(responses.map(\.errors))")
        let victim = victims[0]
        let error = try #require(responses[victim].errors.first)
        #expect(error.number == 1205)
        #expect(error.severity == 13)
        #expect(error.state == 51)
        #expect(error.line == 2)
        // The victim's transaction is rolled back (ENVCHANGE rollback, @@TRANCOUNT 0); the survivor's update worked.
        #expect(responses[victim].envChanges.map(\.type) == [10])
        #expect(responses[victim].final?.inTransaction == false)
        #expect(responses[1 - victim].doneCounts.last == 1)
        let clients = [first, second]
        #expect(try clients[victim].batch("SELECT @@TRANCOUNT").scalar == .int(0))
        #expect(try clients[1 - victim].batch("COMMIT\nSELECT @@TRANCOUNT").scalar == .int(0))
        let values = try first.batch("SELECT V FROM D ORDER BY Id").rows
        #expect(values == (victim == 0 ? [[.int(2)], [.int(2)]] : [[.int(1)], [.int(1)]]))
    }
}
