import DBCore
import Foundation
import MSSQLDriver
import Testing

/// Errors, cancel, timeouts, concurrency, result sets, notices and RPC against the real sandbox.
@Suite("MSSQLDriver on the real sandbox: features", .dropsTestObjects)
struct RealFeatureTests {
    @Test("server errors carry their number and map to kinds; the connection stays usable")
    func errors() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let parent = RealSandbox.uniqueName("parent")
            let child = RealSandbox.uniqueName("child")
            try connection.run("CREATE TABLE \(parent) (id INT PRIMARY KEY, code NVARCHAR(3) NOT NULL)")
            try connection.run("CREATE UNIQUE INDEX ix_\(parent) ON \(parent) (code)")
            try connection.run("CREATE TABLE \(child) (id INT PRIMARY KEY, parent_id INT REFERENCES \(parent) (id))")
            defer { _ = try? connection.run("DROP TABLE \(child); DROP TABLE \(parent)") }
            try connection.run("INSERT INTO \(parent) (id, code) VALUES (1, N'abc')")
            let cases: [(String, Int, DatabaseError.Kind)] = [
                ("INSERT INTO \(parent) (id, code) VALUES (1, N'xyz')", 2627, .uniqueViolation),
                ("INSERT INTO \(parent) (id, code) VALUES (2, N'abc')", 2601, .uniqueViolation),
                ("INSERT INTO \(child) (id, parent_id) VALUES (1, 99)", 547, .foreignKeyViolation),
                ("INSERT INTO \(parent) (id, code) VALUES (3, NULL)", 515, .notNullViolation),
                ("SELECT * FROM no_such_table_here", 208, .undefinedTable),
                ("SELECT no_such_column FROM \(parent)", 207, .undefinedColumn),
                ("SELECT FROM WHERE", 102, .syntaxError),
                ("INSERT INTO \(parent) (id, code) VALUES (4, N'toolong')", 2628, .dataException),
                ("SELECT 1 / 0", 8134, .dataException),
            ]
            for (sql, number, kind) in cases {
                let error = databaseError { try connection.run(sql) }
                // Truncation is 2628 on SQL Server 2019+ (compatibility level 150), 8152 before it (and on Babelfish).
                let numbers = number == 2628 ? [2628, 8152] : [number]
                #expect(numbers.contains(error?.number ?? 0), "\(sql): \(String(describing: error))")
                #expect(error?.kind == kind, "\(sql): \(String(describing: error))")
                #expect(error?.statement == sql)
                #expect(try connection.scalar("SELECT 1") == .int(1))
            }
            // The same errors through sp_executesql (parameters).
            let error = databaseError {
                let cursor = try connection.cursor()
                try cursor.execute("INSERT INTO \(parent) (id, code) VALUES (%s, %s)", [1, "dup"])
            }
            #expect(error?.number == 2627)
            #expect(error?.kind == .uniqueViolation)
        }
    }

    @Test("cancel from another thread stops WAITFOR and leaves the connection usable")
    func cancel() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            // Repeated until the statement returns: one cancel at a fixed delay could land before it starts.
            let error = cancellingRepeatedly(connection) { try connection.run("WAITFOR DELAY '00:00:05'") }
            #expect(error?.kind == .cancelled, "\(String(describing: error))")
            #expect(connection.isAlive)
            #expect(try connection.scalar("SELECT 2") == .int(2))
        }
    }

    @Test("the query timeout stops a long statement and leaves the connection usable")
    func queryTimeout() async throws {
        try await offPool {
            let connection = try RealSandbox.connect(queryTimeout: 1)
            defer { connection.close() }
            let error = databaseError { try connection.run("WAITFOR DELAY '00:00:05'") }
            #expect(error?.kind == .timeout, "\(String(describing: error))")
            #expect(try connection.scalar("SELECT 3") == .int(3))
        }
    }

    @Test("connections from 8 threads at once")
    func concurrentConnections() async throws {
        try await offPool {
            let table = RealSandbox.uniqueName("threads")
            let setup = try RealSandbox.connect()
            defer { setup.close() }
            try setup.run("CREATE TABLE \(table) (worker INT, n INT)")
            defer { _ = try? setup.run("DROP TABLE \(table)") }
            let failures = LockedList()
            let group = DispatchGroup()
            for worker in 0..<8 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    do {
                        let connection = try RealSandbox.connect(autocommit: false)
                        defer { connection.close() }
                        let cursor = try connection.cursor()
                        for n in 0..<5 {
                            try cursor.execute("INSERT INTO \(table) (worker, n) VALUES (%s, %s)", [worker, n])
                        }
                        try connection.commit()
                        let count = try connection.scalar("SELECT COUNT(*) FROM \(table) WHERE worker = %s", [worker])
                        if count != .int(5) { failures.append("worker \(worker) counted \(count)") }
                    } catch {
                        failures.append("worker \(worker): \(error)")
                    }
                }.start()
            }
            group.wait()
            #expect(failures.items.isEmpty, "\(failures.items)")
            #expect(try setup.scalar("SELECT COUNT(*) FROM \(table)") == .int(40))
        }
    }

    @Test("multiple result sets and row counts")
    func multipleResults() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("multi")
            try connection.run("CREATE TABLE \(table) (id INT)")
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            try cursor.execute("INSERT INTO \(table) (id) VALUES (1), (2), (3)")
            #expect(cursor.rowCount == 3)
            try cursor.execute("UPDATE \(table) SET id = id + 10 WHERE id > 1")
            #expect(cursor.rowCount == 2)
            try cursor.execute(
                "SELECT id FROM \(table) ORDER BY id; DELETE FROM \(table) WHERE id = 1; SELECT N'x' AS a, CAST(1 AS bit) AS b"
            )
            #expect(cursor.columns?.map(\.name) == ["id"])
            #expect(try cursor.fetchAll().map { $0[0] } == [.int(1), .int(12), .int(13)])
            #expect(cursor.rowCount == 3)
            #expect(try cursor.nextResultSet())
            #expect(cursor.columns?.map(\.name) == ["a", "b"])
            #expect(try cursor.fetchAll().map { Array($0.values) } == [[.string("x"), .bool(true)]])
            #expect(try !cursor.nextResultSet())
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(2))
        }
    }

    @Test("PRINT and informational messages arrive as notices")
    func notices() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            _ = connection.takeNotices()
            try connection.run("PRINT 'hello from T-SQL'; RAISERROR('just saying', 10, 1)")
            let notices = connection.takeNotices()
            #expect(notices.map(\.message) == ["hello from T-SQL", "just saying"])
            #expect(notices.last?.code == .sqlServer(number: 50000, state: 1, severity: 10))
            #expect(connection.takeNotices().isEmpty)
        }
    }

    @Test("sp_executesql with an OUTPUT parameter through callProcedure")
    func outputParameter() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let result = try connection.callProcedure(
                "sp_executesql",
                parameters: [
                    .input(
                        "@stmt", .string("SELECT @a AS a; SET @n = @a * 2; SET @s = N'é' + CAST(@a AS nvarchar(10))")),
                    .input("@params", .string("@a INT, @n BIGINT OUTPUT, @s NVARCHAR(20) OUTPUT")),
                    .input("@a", .int(21)), .output("@n", type: .int), .output("@s", type: .string(maxLength: 20)),
                ])
            #expect(result.resultSets.map { $0.map { Array($0.values) } } == [[[.int(21)]]])
            #expect(result.outputs["@n"] == .int(42))
            #expect(result.outputs["@s"] == .string("é21"))
            #expect(result.returnStatus == 0)
        }
    }

    @Test("10 MB NVARCHAR(MAX) and VARBINARY(MAX) round-trip through a table")
    func largeValues() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("large")
            try connection.run("CREATE TABLE \(table) (id INT PRIMARY KEY, t NVARCHAR(MAX), b VARBINARY(MAX))")
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let text = String(repeating: "日本語テキスト-", count: 10 * 1024 * 1024 / 22)
            let bytes = LargeValues.bytes(10 * 1024 * 1024)
            let cursor = try connection.cursor()
            try cursor.execute(
                "INSERT INTO \(unsafeRaw: table) (id, t, b) VALUES (1, \(bind: text), \(bind: bytes))" as SQLQuery)
            #expect(cursor.rowCount == 1)
            let row = try #require(try connection.query("SELECT t, b, DATALENGTH(b) FROM \(unsafeRaw: table)").first)
            #expect(row[0] == .string(text))
            #expect(row[1] == .bytes(bytes))
            #expect(row[2] == .int(Int64(bytes.count)))
        }
    }
}

/// A thread-safe list of failure messages.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    /// Appends a message.
    func append(_ item: String) { lock.withLock { storage.append(item) } }
    /// The messages so far.
    var items: [String] { lock.withLock { storage } }
}
