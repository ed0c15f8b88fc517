import DBCore
import Foundation
import Testing

@testable import TDSSandbox

/// Transactions over the wire: BEGIN/COMMIT/ROLLBACK/SAVE TRAN, @@TRANCOUNT, the ENVCHANGE tokens with their
/// descriptors, DONE's INXACT bit, implicit transactions and the transaction manager request.
@Suite("End to end: transactions")
struct EndToEndTransactionTests {
    @Test func beginSaveRollbackToSavepointAndCommit() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        #expect(try client.batch("CREATE TABLE T (Id int)").errors.isEmpty)
        let begun = try client.batch("BEGIN TRAN\nINSERT T VALUES (1)")
        #expect(begun.envChanges.count == 1)
        let begin = try #require(begun.envChanges.first)
        #expect(begin.type == 8)
        #expect(begin.new.count == 8)
        #expect(begin.old.isEmpty)
        let descriptor = try #require(begin.descriptor)
        #expect(descriptor != 0)
        #expect(begun.dones.allSatisfy { $0.inTransaction })
        let nested = try client.batch(
            """
            BEGIN TRANSACTION inner_tx
            SELECT @@TRANCOUNT AS depth
            SAVE TRAN sp1
            INSERT T VALUES (2)
            ROLLBACK TRAN sp1
            COMMIT
            SELECT @@TRANCOUNT AS depth, COUNT(*) AS n FROM T
            """)
        #expect(nested.errors.isEmpty, "\(nested.errors)")
        #expect(nested.envChanges.isEmpty)  // nesting, savepoints and inner COMMIT change no transaction
        #expect(nested.resultSets.map(\.rows) == [[[.int(2)]], [[.int(1), .int(1)]]])
        #expect(nested.final?.inTransaction == true)
        let committed = try client.batch("COMMIT TRANSACTION")
        #expect(committed.envChanges.map(\.type) == [9])
        #expect(committed.envChanges.first?.new == [])
        #expect(committed.envChanges.first?.descriptor == descriptor)
        #expect(committed.final?.inTransaction == false)
        #expect(try client.batch("SELECT @@TRANCOUNT").scalar == .int(0))

        // A new transaction gets a new descriptor; ROLLBACK undoes its insert.
        let second = try client.batch("BEGIN TRAN\nINSERT T VALUES (3)")
        let secondDescriptor = try #require(second.envChanges.first?.descriptor)
        #expect(secondDescriptor != descriptor)
        let rolledBack = try client.batch("ROLLBACK")
        #expect(rolledBack.envChanges.map(\.type) == [10])
        #expect(rolledBack.envChanges.first?.descriptor == secondDescriptor)
        #expect(try client.batch("SELECT Id FROM T ORDER BY Id").rows == [[.int(1)]])
        // Without a transaction: 3902 / 3903.
        #expect(try client.batch("COMMIT").errors.map(\.number) == [3902])
        #expect(try client.batch("ROLLBACK").errors.map(\.number) == [3903])
    }

    @Test func implicitTransactionsOpenOnTheFirstStatement() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        #expect(try client.batch("CREATE TABLE T (Id int)").errors.isEmpty)
        let set = try client.batch("SET IMPLICIT_TRANSACTIONS ON")
        #expect(set.envChanges.isEmpty)
        let inserted = try client.batch("INSERT T VALUES (1)\nSELECT @@TRANCOUNT")
        #expect(inserted.envChanges.map(\.type) == [8])
        #expect(inserted.scalar == .int(1))
        #expect(inserted.final?.inTransaction == true)
        let committed = try client.batch("COMMIT")
        #expect(committed.envChanges.map(\.type) == [9])
        #expect(committed.envChanges.first?.descriptor == inserted.envChanges.first?.descriptor)
        // The next statement opens the next transaction; ROLLBACK undoes it.
        let again = try client.batch("INSERT T VALUES (2)")
        #expect(again.envChanges.map(\.type) == [8])
        #expect(try client.batch("ROLLBACK").envChanges.map(\.type) == [10])
        #expect(try client.batch("SET IMPLICIT_TRANSACTIONS OFF\nSELECT Id FROM T").rows == [[.int(1)]])
        #expect(try client.batch("SELECT @@TRANCOUNT").scalar == .int(0))
    }

    @Test func transactionManagerRequestsBeginAndCommit() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        #expect(try client.batch("CREATE TABLE T (Id int)").errors.isEmpty)
        // TM_BEGIN_XACT (5): isolation level 0 (unchanged), empty name.
        try client.send(type: 0x0E, payload: RequestBuilder.allHeaders() + [5, 0, 0, 0])
        let begun = try client.readResponse()
        let descriptor = try #require(begun.envChanges.first { $0.type == 8 }?.descriptor)
        #expect(begun.final?.inTransaction == true)
        // The next request carries the descriptor in ALL_HEADERS, as clients do.
        try client.send(
            type: 0x01,
            payload: RequestBuilder.allHeaders(descriptor: descriptor) + Array(UCS2.encode("INSERT T VALUES (7)")))
        #expect(try client.readResponse().doneCounts == [1])
        // TM_COMMIT_XACT (7): empty name, no new transaction.
        try client.send(type: 0x0E, payload: RequestBuilder.allHeaders(descriptor: descriptor) + [7, 0, 0, 0])
        let committed = try client.readResponse()
        #expect(committed.envChanges.map(\.type) == [9])
        #expect(committed.envChanges.first?.descriptor == descriptor)
        #expect(try client.batch("SELECT Id FROM T").rows == [[.int(7)]])
    }

    @Test(.enabled(if: EndToEndSandbox.hasTsql, "tsql is not installed"))
    func tsqlSeesTranCount() throws {
        let sandbox = try EndToEndSandbox()
        let results = try sandbox.tsql(
            """
            CREATE TABLE T (Id int)
            go
            BEGIN TRAN
            INSERT T VALUES (1)
            SELECT @@TRANCOUNT AS tc
            go
            ROLLBACK
            SELECT @@TRANCOUNT AS tc, COUNT(*) AS n FROM T
            go
            exit

            """)
        #expect(results.errors.isEmpty, "\(results.printed)")
        #expect(results.tables.map(\.rows) == [[["1"]], [["0", "0"]]], "\(results.printed)")
    }
}
