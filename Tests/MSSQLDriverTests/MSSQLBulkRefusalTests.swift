import DBCore
import Foundation
import MSSQLDriver
import TDSSandbox
import Testing

/// A server that refuses the bulk-load stream (as Babelfish refuses FreeTDS's): `bulkInsert` must report the
/// server's error, store nothing and claim no rows copied.
@Suite(
    "MSSQLDriver bulk copy against a server that refuses the bulk stream",
    .dropsTestObjects,
    // The refusal is a switch of the in-process sandbox; a server named by MSSQL_TEST_URL cannot be told to refuse.
    .enabled(if: MSSQLTestServer.usesInProcessSandbox, Comment(rawValue: MSSQLTestServer.needsInProcessSandbox))
)
struct MSSQLBulkRefusalTests {
    private static func refusingSandbox() throws -> IsolatedSandbox {
        var configuration = TDSSandboxConfiguration()
        configuration.refusesBulkLoad = true
        return try IsolatedSandbox(configuration: configuration)
    }

    @Test("autocommit on: the server's 4804 comes back, no row is stored, none is reported committed")
    func refusalWithAutocommit() async throws {
        try await offPool {
            let sandbox = try Self.refusingSandbox()
            let connection = try sandbox.connect()
            defer { connection.close() }
            let table = sandbox.table("refused")
            try connection.run("CREATE TABLE \(table) (Id int PRIMARY KEY, Name nvarchar(20))")
            var copied: Int?
            let error = databaseError {
                copied = try connection.bulkInsert(
                    into: BulkTableName(table), columns: ["Id", "Name"],
                    rows: (1...3).map { (id: Int) -> [SQLValue] in [.int(Int64(id)), .string("row \(id)")] },
                    options: BulkCopyOptions(batchSize: 2))
            }
            #expect(copied == nil)
            #expect(error?.number == 4804)
            #expect(error?.message.hasPrefix("bulk copy failed at row 0 (batch 0)") == true)
            #expect(error?.message.contains("premature end-of-message") == true)
            #expect(error?.detail?.hasPrefix("0 rows in 0 earlier batches were committed") == true)
            #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(0))
            // The connection stays usable.
            try connection.run("INSERT INTO \(table) (Id, Name) VALUES (1, N'one')")
            #expect(try connection.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(1))
        }
    }

    @Test("autocommit off: the refusal leaves nothing to roll back or commit")
    func refusalInTransaction() async throws {
        try await offPool {
            let sandbox = try Self.refusingSandbox()
            let setup = try sandbox.connect()
            let table = sandbox.table("refused_tx")
            try setup.run("CREATE TABLE \(table) (Id int)")
            let connection = try sandbox.connect(autocommit: false)
            let error = databaseError {
                _ = try connection.bulkInsert(
                    into: BulkTableName(table), columns: ["Id"], rows: [[.int(1)], [.int(2)]])
            }
            #expect(error?.number == 4804)
            #expect(error?.detail?.hasPrefix("no rows were committed") == true)
            try connection.commit()
            connection.close()
            #expect(try setup.run("SELECT COUNT(*) FROM \(table)").first?[0] == .int(0))
            setup.close()
        }
    }
}
