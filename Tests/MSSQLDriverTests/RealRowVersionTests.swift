import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// `rowversion` (and its old name `timestamp`) columns, as ORMs use them for optimistic concurrency. Every
/// expectation holds on SQL Server too.
@Suite("MSSQLDriver on the real sandbox: rowversion columns", .dropsTestObjects)
struct RealRowVersionTests {
    @Test("8 bytes set on insert, a larger value on every update, usable in WHERE; SCOPE_IDENTITY unaffected")
    func rowVersion() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("rowversion")
            try connection.run(
                "CREATE TABLE \(table) (id INT IDENTITY(1,1) PRIMARY KEY, name NVARCHAR(20), rv ROWVERSION)")
            try connection.run("INSERT INTO \(table) (name) VALUES (N'a')")
            try connection.run("INSERT INTO \(table) (name) VALUES (N'b')")
            #expect(try connection.scalar("SELECT CAST(SCOPE_IDENTITY() AS int)") == .int(2))
            func versions() throws -> [[UInt8]] {
                try connection.run("SELECT rv FROM \(table) ORDER BY id").map { row in
                    guard case .bytes(let bytes) = row[0] else { return [] }
                    return bytes
                }
            }
            let before = try versions()
            #expect(before.count == 2 && before.allSatisfy { $0.count == 8 })
            #expect(before[0] != before[1])
            let cursor = try connection.cursor()
            try cursor.execute("UPDATE \(table) SET name = %s WHERE id = %s AND rv = %s", ["c", 1, Data(before[0])])
            #expect(cursor.rowCount == 1)
            let after = try versions()
            #expect(after[0].lexicographicallyPrecedes(before[0]) == false && after[0] != before[0])
            #expect(after[1] == before[1])
            // The old version no longer matches: an optimistic update with it changes nothing.
            try cursor.execute("UPDATE \(table) SET name = %s WHERE id = %s AND rv = %s", ["d", 1, Data(before[0])])
            #expect(cursor.rowCount == 0)

            let legacy = RealSandbox.uniqueName("timestamp")
            try connection.run("CREATE TABLE \(legacy) (id INT PRIMARY KEY, ts TIMESTAMP)")
            try connection.run("INSERT INTO \(legacy) (id) VALUES (1)")
            guard case .bytes(let stamp) = try connection.scalar("SELECT ts FROM \(legacy)") else {
                Issue.record("timestamp column did not hold binary")
                return
            }
            #expect(stamp.count == 8)
        }
    }
}
