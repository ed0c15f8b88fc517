import DBCore
import Foundation
import MSSQLDriver
import Testing

/// The automatic prepared-statement cache over the wire: a statement is prepared (`sp_prepare`) after the threshold
/// and then run by handle (`sp_execute`), results are the same as through `sp_executesql`, and handles are dropped
/// or forgotten when they must be.
@Suite("MSSQLDriver statement cache", .dropsTestObjects)
struct MSSQLStatementCacheTests {
    /// A connection (autocommit on unless asked otherwise) with the cache settings `options`.
    private func connect(_ options: [String: String], autocommit: Bool = true) throws -> MSSQLConnection {
        var configuration = try RealSandbox.configuration()
        for (key, value) in options { configuration.options[key] = value }
        let connection = try MSSQLConnection.connect(configuration)
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }

    /// Drops prepared statement `handle` behind the cache's back; nil when it succeeded, else the error number.
    private func unprepare(_ handle: Int, on connection: MSSQLConnection) -> Int? {
        do {
            _ = try connection.callProcedure("sp_unprepare", parameters: [.input("@handle", .int(Int64(handle)))])
            return nil
        } catch let error as DatabaseError {
            return error.number ?? -1
        } catch {
            return -1
        }
    }

    @Test("the default threshold: five runs through sp_executesql, then prepared once and run by handle")
    func preparedAfterThreshold() async throws {
        try await offPool {
            let connection = try connect([:])
            defer { connection.close() }
            #expect(connection.prepareThreshold == 5)
            for value in 0..<8 {
                #expect(try connection.scalar("SELECT %s + 1", [value]) == .int(Int64(value + 1)))
            }
            let statistics = connection.statementCacheStatistics
            #expect(statistics.misses == 6 && statistics.prepared == 1 && statistics.hits == 2)
            #expect(statistics.cached == 1 && statistics.evictions == 0 && statistics.invalidations == 0)
        }
    }

    @Test("threshold 0 prepares at the first run; none (and nil at run time) never prepares")
    func thresholds() async throws {
        try await offPool {
            let eager = try connect(["prepare_threshold": "0"])
            defer { eager.close() }
            #expect(try eager.scalar("SELECT %s * 2", [21]) == .int(42))
            #expect(eager.statementCacheStatistics.prepared == 1 && eager.statementCacheStatistics.hits == 0)
            #expect(try eager.scalar("SELECT %s * 2", [5]) == .int(10))
            #expect(eager.statementCacheStatistics.hits == 1)

            let never = try connect(["prepare_threshold": "none"])
            defer { never.close() }
            #expect(never.prepareThreshold == nil)
            for value in 0..<10 { #expect(try never.scalar("SELECT %s * 2", [value]) == .int(Int64(value * 2))) }
            #expect(never.statementCacheStatistics == StatementCacheStatistics())

            // Switched off at run time: the prepared statements are dropped, and unprepared on the server.
            eager.prepareThreshold = nil
            #expect(eager.statementCacheStatistics.cached == 0 && eager.statementCacheStatistics.invalidations == 1)
            #expect(try eager.scalar("SELECT %s * 2", [7]) == .int(14))
            if MSSQLTestServer.usesInProcessSandbox {
                // The sandbox numbers a session's handles from 1: the one prepared above is gone.
                #expect(unprepare(1, on: eager) == 8179)
            }
            #expect(eager.statementCacheStatistics.prepared == 1)
        }
    }

    @Test("beyond prepared_max the least recently used statement is evicted and unprepared on the server")
    func evictionUnprepares() async throws {
        try await offPool {
            let connection = try connect(["prepare_threshold": "0", "prepared_max": "2"])
            defer { connection.close() }
            #expect(try connection.scalar("SELECT %s + 1", [1]) == .int(2))  // handle 1
            #expect(try connection.scalar("SELECT %s + 2", [1]) == .int(3))  // handle 2
            #expect(try connection.scalar("SELECT %s + 1", [2]) == .int(3))  // handle 1 used again
            #expect(try connection.scalar("SELECT %s + 3", [1]) == .int(4))  // handle 3 evicts handle 2
            var statistics = connection.statementCacheStatistics
            #expect(statistics.evictions == 1 && statistics.cached == 2 && statistics.prepared == 3)
            #expect(try connection.scalar("SELECT %s + 1", [3]) == .int(4))  // unprepares handle 2 first
            statistics = connection.statementCacheStatistics
            #expect(statistics.hits == 2)
            if MSSQLTestServer.usesInProcessSandbox {
                #expect(unprepare(2, on: connection) == 8179)
                #expect(unprepare(3, on: connection) == nil)  // still held: the cache must find out (below)
                #expect(try connection.scalar("SELECT %s + 3", [2]) == .int(5))
                statistics = connection.statementCacheStatistics
                #expect(statistics.invalidations == 1 && statistics.prepared == 4 && statistics.cached == 2)
            }
        }
    }

    @Test("a handle the server no longer knows (8179): with autocommit, prepared again and rerun once, invisibly")
    func unknownHandleRetry() async throws {
        try await offPool {
            guard MSSQLTestServer.usesInProcessSandbox else { return }
            let connection = try connect(["prepare_threshold": "0"])
            defer { connection.close() }
            let table = RealSandbox.uniqueName("cache_retry")
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY, name NVARCHAR(20))")
            let cursor = try connection.makeCursor()
            try cursor.execute("INSERT INTO \(table) (id, name) VALUES (%s, %s)", [1, "one"])
            #expect(unprepare(1, on: connection) == nil)
            try cursor.execute("INSERT INTO \(table) (id, name) VALUES (%s, %s)", [2, "two"])
            #expect(cursor.rowCount == 1)
            // Each row inserted exactly once: the failed run by the lost handle did nothing.
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
            let statistics = connection.statementCacheStatistics
            #expect(statistics.invalidations == 1 && statistics.prepared == 2 && statistics.hits == 1)
        }
    }

    @Test("a handle the server no longer knows (8179) in a transaction: the error, then prepared afresh")
    func unknownHandleInTransaction() async throws {
        try await offPool {
            guard MSSQLTestServer.usesInProcessSandbox else { return }
            let connection = try connect(["prepare_threshold": "0"], autocommit: false)
            defer { connection.close() }
            let table = RealSandbox.uniqueName("cache_retry_tx")
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            try connection.commit()
            let cursor = try connection.makeCursor()
            try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [1])
            #expect(unprepare(1, on: connection) == nil)
            let lost = #expect(throws: DatabaseError.self) {
                try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [2])
            }
            #expect(lost?.number == 8179)
            try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [2])
            try connection.commit()
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
            let statistics = connection.statementCacheStatistics
            #expect(statistics.invalidations == 1 && statistics.prepared == 2 && statistics.hits == 1)
            try connection.commit()
        }
    }

    @Test("a pool's session reset (sp_reset_connection) empties the cache; a new connection starts empty")
    func resetAndReopen() async throws {
        try await offPool {
            let connection = try connect(["prepare_threshold": "0"])
            defer { connection.close() }
            #expect(try connection.scalar("SELECT %s + 10", [1]) == .int(11))
            #expect(try connection.scalar("SELECT %s + 20", [1]) == .int(21))
            try connection.resetSession()
            var statistics = connection.statementCacheStatistics
            if MSSQLTestServer.usesInProcessSandbox {  // the sandbox has sp_reset_connection
                #expect(statistics.cached == 0 && statistics.invalidations == 2)
            }
            // The server may hand out the same handle numbers again: each statement gets its own result.
            #expect(try connection.scalar("SELECT %s + 20", [2]) == .int(22))
            #expect(try connection.scalar("SELECT %s + 10", [2]) == .int(12))
            #expect(try connection.scalar("SELECT %s + 20", [3]) == .int(23))
            statistics = connection.statementCacheStatistics
            #expect(statistics.prepared == (MSSQLTestServer.usesInProcessSandbox ? 4 : 2))
            try connection.rollback()

            let reopened = try connect(["prepare_threshold": "0"])
            defer { reopened.close() }
            #expect(reopened.statementCacheStatistics == StatementCacheStatistics())
            #expect(try reopened.scalar("SELECT %s + 10", [3]) == .int(13))
            #expect(reopened.statementCacheStatistics.prepared == 1)
        }
    }

    @Test("results are the same with and without the cache: types, NULLs, empty values, several result sets")
    func sameResults() async throws {
        try await offPool {
            let setup = try RealSandbox.connect()
            defer { setup.close() }
            let table = RealSandbox.uniqueName("cache_types")
            try setup.run(
                "CREATE TABLE \(table) (id INT PRIMARY KEY, n BIGINT NULL, d DECIMAL(12,3) NULL, s NVARCHAR(40) NULL, "
                    + "b VARBINARY(16) NULL, t DATETIME2 NULL, f FLOAT NULL, u UNIQUEIDENTIFIER NULL)")
            try setup.run(
                "INSERT INTO \(table) VALUES (1, 10, 1.500, N'héllo', 0x0102, '2024-05-06 07:08:09', 2.5, "
                    + "'6F9619FF-8B86-D011-B42D-00C04FD430C8'), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
                    + "(3, -7, -0.001, N'', 0x, '1999-12-31 23:59:59', -1.25, NULL)")
            let sql = """
                SELECT id, n, d, s, b, t, f, u FROM \(table) WHERE id >= %s AND (s = %s OR %s IS NULL) ORDER BY id; \
                SELECT %s AS echoed, %s AS nothing, %s AS empty
                """
            let argumentSets: [[SQLValue]] = [
                [.int(1), .null, .null, .string("x"), .null, .string("")],
                [.int(2), .string("héllo"), .string("héllo"), .int(5), .null, .bytes([])],
                [.int(0), .string(""), .string(""), .decimal(SQLDecimal("1.25")!), .null, .string("")],
            ]
            func results(_ connection: MSSQLConnection, _ arguments: [SQLValue]) throws -> [[[SQLValue]]] {
                let cursor = try connection.makeCursor()
                defer { cursor.close() }
                try cursor.execute(sql, arguments.map { $0 as (any SQLValueEncodable)? })
                var sets: [[[SQLValue]]] = []
                repeat {
                    sets.append(try cursor.fetchAll().map(\.values))
                } while try cursor.nextResultSet()
                return sets
            }
            let plain = try connect(["prepare_threshold": "none"])
            let cached = try connect(["prepare_threshold": "0"])
            defer {
                plain.close()
                cached.close()
            }
            for _ in 0..<2 {
                for arguments in argumentSets {
                    let expected = try results(plain, arguments)
                    #expect(expected.count == 2)
                    #expect(try results(cached, arguments) == expected)
                }
            }
            let statistics = cached.statementCacheStatistics
            #expect(statistics.hits > 0 && statistics.prepared > 0)
        }
    }

    @Test("a failing statement does not poison the cache: run-time and compile errors, then the same statement again")
    func failuresKeepTheCache() async throws {
        try await offPool {
            let connection = try connect(["prepare_threshold": "0"])
            defer { connection.close() }
            let divide = #expect(throws: DatabaseError.self) { try connection.scalar("SELECT 10 / %s", [0]) }
            #expect(divide?.number == 8134)
            #expect(try connection.scalar("SELECT 10 / %s", [2]) == .int(5))
            #expect(connection.statementCacheStatistics.hits == 1)
            let missing = "no_such_table_\(UUID().uuidString.prefix(8).lowercased())"
            let unknown = #expect(throws: DatabaseError.self) {
                try connection.scalar("SELECT * FROM \(missing) WHERE id = %s", [1])
            }
            #expect(unknown?.number == 208)
            #expect(try connection.scalar("SELECT 10 / %s", [5]) == .int(2))
            let statistics = connection.statementCacheStatistics
            #expect(statistics.hits == 2 && statistics.invalidations == 0)
        }
    }

    @Test("transactions: a rollback undoes a prepared statement's work but keeps its handle; commit keeps both")
    func transactions() async throws {
        try await offPool {
            let connection = try connect(["prepare_threshold": "0"], autocommit: false)
            defer { connection.close() }
            let table = RealSandbox.uniqueName("cache_tx")
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            try connection.commit()
            let cursor = try connection.makeCursor()
            try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [1])
            try connection.rollback()
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
            try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [2])
            try cursor.execute("INSERT INTO \(table) (id) VALUES (%s)", [3])
            try connection.commit()
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table) WHERE id >= %s", [2]) == .int(2))
            let statistics = connection.statementCacheStatistics
            #expect(statistics.prepared == 2 && statistics.hits == 2 && statistics.invalidations == 0)
            try connection.commit()
        }
    }
}
