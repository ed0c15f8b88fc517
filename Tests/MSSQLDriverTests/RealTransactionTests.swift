import DBCore
import Foundation
import MSSQLDriver
import Testing

/// DB-API transaction semantics against the real sandbox: autocommit off by default, commit, rollback,
/// setAutocommit(true) and isolation levels.
@Suite("MSSQLDriver on the real sandbox: transactions", .dropsTestObjects)
struct RealTransactionTests {
    @Test("uncommitted rows are invisible to a second connection until commit")
    func commitVisibility() async throws {
        try await offPool {
            let table = RealSandbox.uniqueName("tx")
            let writer = try RealSandbox.connect(autocommit: false)
            let reader = try RealSandbox.connect()
            defer {
                writer.close()
                _ = try? reader.run("DROP TABLE \(table)")
                reader.close()
            }
            #expect(!writer.autocommit)
            try reader.run("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            let cursor = try writer.cursor()
            try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [1])
            #expect(try writer.scalar("SELECT @@TRANCOUNT") == .int(1))
            #expect(try reader.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
            try writer.commit()
            if MSSQLTestServer.usesInProcessSandbox {
                // The sandbox opens the next implicit transaction on any statement. SQL Server (and Babelfish) do
                // not for a SELECT that reads no table, so there @@TRANCOUNT may be 0 here.
                #expect(try writer.scalar("SELECT @@TRANCOUNT") == .int(1))
            }
            #expect(try reader.scalar("SELECT COUNT(*) FROM \(table)") == .int(1))
        }
    }

    @Test("rollback undoes the open transaction")
    func rollback() async throws {
        try await offPool {
            let table = RealSandbox.uniqueName("tx")
            let connection = try RealSandbox.connect(autocommit: false)
            defer {
                _ = try? connection.rollback()
                _ = try? connection.run("DROP TABLE \(table)")
                try? connection.commit()
                connection.close()
            }
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            try connection.commit()
            try connection.run("INSERT INTO \(table) (id) VALUES (1), (2)")
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
            try connection.rollback()
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
            try connection.commit()
        }
    }

    @Test("setAutocommit(true) commits the open transaction and then each statement commits alone")
    func autocommit() async throws {
        try await offPool {
            let table = RealSandbox.uniqueName("tx")
            let connection = try RealSandbox.connect(autocommit: false)
            let other = try RealSandbox.connect()
            defer {
                _ = try? other.run("DROP TABLE \(table)")
                other.close()
                connection.close()
            }
            try other.run("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            try connection.run("INSERT INTO \(table) (id) VALUES (1)")
            try connection.setAutocommit(true)
            #expect(connection.autocommit)
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(1))
            try connection.run("INSERT INTO \(table) (id) VALUES (2)")
            #expect(try connection.scalar("SELECT @@TRANCOUNT") == .int(0))
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
            // withTransaction turns autocommit off for its body and rolls back on error.
            #expect(throws: DatabaseError.self) {
                try connection.withTransaction { conn in
                    try conn.run("INSERT INTO \(table) (id) VALUES (3)")
                    try conn.run("INSERT INTO \(table) (id) VALUES (3)")
                }
            }
            #expect(connection.autocommit)
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
        }
    }

    @Test("isolation level selection is applied to the session")
    func isolationLevels() async throws {
        try await offPool {
            let table = RealSandbox.uniqueName("iso")
            let connection = try RealSandbox.connect(autocommit: false)
            let other = try RealSandbox.connect()
            defer {
                _ = try? connection.rollback()
                connection.close()
                _ = try? other.run("DROP TABLE \(table)")
                other.close()
            }
            try other.run("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            for level in MSSQLIsolationLevel.allCases {
                try connection.rollback()
                try connection.setIsolationLevel(level)
            }
            // REPEATABLE READ (a snapshot in the sandbox): a row committed by another session after the first read
            // stays invisible until the transaction ends; READ COMMITTED sees it at once.
            try connection.rollback()
            try connection.setIsolationLevel(.repeatableRead)
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
            try other.run("INSERT INTO \(table) (id) VALUES (1)")
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
            try connection.rollback()
            try connection.setIsolationLevel(.readCommitted)
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(1))
            try other.run("INSERT INTO \(table) (id) VALUES (2)")
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
        }
    }
}
