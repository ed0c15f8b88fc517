import DBCore
import Testing

/// DB-API transactions on both databases: autocommit off by default, commit, rollback, withTransaction,
/// setAutocommit.
@Suite("Conformance: transactions")
struct TransactionConformanceTests {
    @Test("autocommit is off by default; another connection sees rows only after commit", arguments: Backend.allCases)
    func commit(_ backend: Backend) async throws {
        try await offPool {
            let other = try backend.connect()
            let table = try other.makeTable("txc", "id INTEGER PRIMARY KEY")
            let conn = try backend.connect(autocommit: false)
            defer {
                conn.close()
                _ = try? other.run("DROP TABLE \(table)")
                other.close()
            }
            #expect(!conn.autocommit)
            let cursor = try conn.cursor()
            try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [1])
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
            try conn.commit()
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(1))
        }
    }

    @Test("rollback discards the transaction's rows", arguments: Backend.allCases)
    func rollback(_ backend: Backend) async throws {
        try await offPool {
            let other = try backend.connect()
            let table = try other.makeTable("txr", "id INTEGER PRIMARY KEY")
            let conn = try backend.connect(autocommit: false)
            defer {
                conn.close()
                _ = try? other.run("DROP TABLE \(table)")
                other.close()
            }
            let cursor = try conn.cursor()
            try cursor.executeMany("INSERT INTO \(table) (id) VALUES (%s)", [[1], [2]])
            #expect(try conn.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
            try conn.rollback()
            #expect(try conn.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
            try conn.rollback()
        }
    }

    @Test("withTransaction commits on return and rolls back on throw", arguments: Backend.allCases)
    func withTransaction(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            let table = try conn.makeTable("txw", "id INTEGER PRIMARY KEY")
            defer {
                _ = try? conn.run("DROP TABLE \(table)")
                conn.close()
            }
            let inserted = try conn.withTransaction { conn -> Int in
                try conn.run("INSERT INTO \(table) (id) VALUES (1)")
                return 1
            }
            #expect(inserted == 1)
            #expect(conn.autocommit)
            let error = databaseError {
                try conn.withTransaction { conn in
                    try conn.run("INSERT INTO \(table) (id) VALUES (2)")
                    try conn.run("INSERT INTO \(table) (id) VALUES (1)")
                }
            }
            #expect(error?.kind == .uniqueViolation)
            #expect(conn.autocommit)
            #expect(try conn.scalar("SELECT COUNT(*) FROM \(table)") == .int(1))
        }
    }

    @Test(
        "setAutocommit(true) commits the open transaction; later statements commit alone", arguments: Backend.allCases)
    func autocommit(_ backend: Backend) async throws {
        try await offPool {
            let other = try backend.connect()
            let table = try other.makeTable("txa", "id INTEGER PRIMARY KEY")
            let conn = try backend.connect(autocommit: false)
            defer {
                conn.close()
                _ = try? other.run("DROP TABLE \(table)")
                other.close()
            }
            try conn.run("INSERT INTO \(table) (id) VALUES (1)")
            try conn.setAutocommit(true)
            #expect(conn.autocommit)
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(1))
            try conn.run("INSERT INTO \(table) (id) VALUES (2)")
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
            try conn.setAutocommit(false)
            try conn.run("INSERT INTO \(table) (id) VALUES (3)")
            #expect(try other.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
            try conn.rollback()
        }
    }
}
