import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// The sandbox's `sys.columns` and `TYPE_NAME`, as pymssql's `bulk_copy` queries them before a bulk copy.
@Suite("MSSQLDriver on the real sandbox: sys.columns and TYPE_NAME", .dropsTestObjects)
struct RealSystemViewTests {
    @Test("sys.columns lists a table's columns with their type ids, identity and nullability")
    func sysColumns() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("syscols")
            try connection.run(
                """
                CREATE TABLE \(table) (Id INT IDENTITY(1,1) PRIMARY KEY, Name NVARCHAR(40) NOT NULL, Code VARCHAR(10), \
                Amount DECIMAL(12,2), Taken DATETIME2, Flag BIT, Blob VARBINARY(MAX))
                """)
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let rows = try connection.run(
                """
                SELECT column_id, name, TYPE_NAME(system_type_id) AS system_type_name, is_identity, is_nullable, \
                max_length, precision, scale FROM sys.columns WHERE object_id = OBJECT_ID(N'\(table)') ORDER BY column_id
                """)
            #expect(rows.map { $0["column_id"] } == (1...7).map { .int(Int64($0)) })
            #expect(
                rows.map { $0["name"] }
                    == ["Id", "Name", "Code", "Amount", "Taken", "Flag", "Blob"].map { .string($0) })
            #expect(
                rows.map { $0["system_type_name"] }
                    == ["int", "nvarchar", "varchar", "decimal", "datetime2", "bit", "varbinary"].map { .string($0) })
            #expect(
                rows.map { $0["is_identity"] } == [true, false, false, false, false, false, false].map { .bool($0) })
            #expect(rows.map { $0["is_nullable"] } == [false, false, true, true, true, true, true].map { .bool($0) })
            #expect(rows[1]["max_length"] == .int(80))
            #expect(rows[2]["max_length"] == .int(10))
            #expect(rows[3]["precision"] == .int(12))
            #expect(rows[3]["scale"] == .int(2))
            #expect(try connection.scalar("SELECT TYPE_NAME(231)") == .string("nvarchar"))
            #expect(
                try connection.scalar("SELECT COUNT(*) FROM sys.columns WHERE object_id = OBJECT_ID('no_such_table')")
                    == .int(0))
        }
    }
}
