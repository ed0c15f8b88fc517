import DBCore
import Testing

/// The same failures give the same ``DatabaseError/Kind`` on both databases, with the native code attached.
@Suite("Conformance: typed errors")
struct ErrorConformanceTests {
    @Test("constraint, syntax, name and data errors map to the same kinds", arguments: Backend.allCases)
    func kinds(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let parent = try conn.makeTable(
                "ep", "id INTEGER PRIMARY KEY, name \(backend.type(.shortText(5))) NOT NULL")
            let child = try conn.makeTable("ec", "id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES \(parent) (id)")
            defer {
                _ = try? conn.run("DROP TABLE \(child)")
                _ = try? conn.run("DROP TABLE \(parent)")
            }
            try conn.run("INSERT INTO \(parent) (id, name) VALUES (1, 'a')")
            let cases: [(String, [(any SQLValueEncodable)?], DatabaseError.Kind)] = [
                ("INSERT INTO \(parent) (id, name) VALUES (%s, %s)", [1, "b"], .uniqueViolation),
                ("INSERT INTO \(child) (id, parent_id) VALUES (%s, %s)", [1, 42], .foreignKeyViolation),
                ("INSERT INTO \(parent) (id, name) VALUES (%s, %s)", [2, nil], .notNullViolation),
                ("SELECT 1 +", [], .syntaxError),
                ("SELECT * FROM no_such_table_anywhere", [], .undefinedTable),
                ("SELECT no_such_column FROM \(parent)", [], .undefinedColumn),
                ("SELECT 1 / 0", [], .dataException),
                ("INSERT INTO \(parent) (id, name) VALUES (%s, %s)", [3, "far too long"], .dataException),
            ]
            for (sql, parameters, kind) in cases {
                let error = databaseError {
                    let cursor = try conn.cursor()
                    defer { cursor.close() }
                    if parameters.isEmpty { try cursor.execute(sql) } else { try cursor.execute(sql, parameters) }
                }
                #expect(error?.kind == kind, "\(backend): \(sql) → \(String(describing: error))")
                #expect(error?.code != nil)
                #expect(error?.statement != nil)
                #expect(try conn.scalar("SELECT 1") == .int(1), "the connection stays usable")
            }
        }
    }

    @Test(
        "a failed statement inside a transaction can be rolled back and the connection goes on",
        arguments: Backend.allCases)
    func failureInTransaction(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect(autocommit: false)
            defer { conn.close() }
            #expect(databaseError { try conn.run("SELECT * FROM no_such_table_anywhere") }?.kind == .undefinedTable)
            try conn.rollback()
            #expect(try conn.scalar("SELECT 2") == .int(2))
            try conn.rollback()
        }
    }
}
