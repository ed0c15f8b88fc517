import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// What client libraries ask at connect and during introspection (SQLAlchemy, pyodbc, pymssql, python-tds, ODBC
/// Driver 18): server properties, the current schema, database and user, the catalog views and
/// INFORMATION_SCHEMA. Every expectation here holds on SQL Server too, so the suite also runs against one
/// (`MSSQL_TEST_URL`).
@Suite("MSSQLDriver on the real sandbox: what clients ask at connect and introspection", .dropsTestObjects)
struct RealIntrospectionTests {
    @Test("SERVERPROPERTY, SCHEMA_NAME, DB_ID/DB_NAME, USER_NAME, SUSER_SNAME, @@SERVERNAME, OBJECT_NAME")
    func connectQuestions() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let row = try #require(
                try connection.run(
                    """
                    SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS version,
                        CAST(SERVERPROPERTY('ProductLevel') AS nvarchar(128)) AS level,
                        CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
                        CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine,
                        CAST(SERVERPROPERTY('ServerName') AS nvarchar(128)) AS server,
                        CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation,
                        CAST(SERVERPROPERTY('NoSuchProperty') AS nvarchar(128)) AS missing,
                        SCHEMA_NAME() AS current_schema, SCHEMA_NAME(1) AS schema_one, SCHEMA_ID('dbo') AS dbo_id,
                        DB_NAME() AS db, DB_NAME(DB_ID()) AS db_again, DB_ID('master') AS master_id,
                        DB_NAME(2) AS two, USER_NAME() AS user_name, SUSER_SNAME() AS login, @@SERVERNAME AS server_name
                    """
                ).first)
            guard case .string(let version) = row["version"] else {
                Issue.record("ProductVersion is \(String(describing: row["version"]))")
                return
            }
            #expect(version.split(separator: ".").count == 4 && Int(version.split(separator: ".")[0]) != nil)
            #expect(row["level"] != .null && row["edition"] != .null && row["collation"] != .null)
            guard case .int(let engine) = row["engine"] else {
                Issue.record("EngineEdition is \(String(describing: row["engine"]))")
                return
            }
            #expect((1...12).contains(engine))
            #expect(row["server"] != .null && row["server_name"] != .null)
            #expect(row["missing"] == .null)
            #expect(row["current_schema"] == .string("dbo"))
            #expect(row["schema_one"] == .string("dbo"))
            #expect(row["dbo_id"] == .int(1))
            #expect(row["db"] != .null && row["db"] == row["db_again"])
            #expect(row["master_id"] == .int(1))
            #expect(row["two"] == .string("tempdb"))
            #expect(row["user_name"] == .string("dbo"))
            let user = try RealSandbox.configuration().user
            #expect(row["login"] == user.map { SQLValue.string($0) })

            let table = RealSandbox.uniqueName("objname")
            try connection.run("CREATE TABLE \(table) (id INT)")
            #expect(try connection.scalar("SELECT OBJECT_NAME(OBJECT_ID(N'\(table)'))") == .string(table))
            #expect(try connection.scalar("SELECT OBJECT_NAME(-42)") == .null)
        }
    }

    @Test("sys.tables, sys.objects, sys.schemas, sys.indexes, sys.types, sys.databases describe what exists")
    func catalogViews() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("catalog")
            try connection.run(
                "CREATE TABLE \(table) (Id INT NOT NULL PRIMARY KEY, Name NVARCHAR(40) NULL, Amount DECIMAL(12,2), "
                    + "Notes NVARCHAR(MAX))")
            try connection.run("CREATE INDEX ix_\(table) ON \(table) (Name)")
            let tables = try connection.run(
                """
                SELECT t.name, s.name AS schema_name, t.type FROM sys.tables t JOIN sys.schemas s
                    ON s.schema_id = t.schema_id WHERE t.name = N'\(table)'
                """)
            #expect(tables.map(\.values) == [[.string(table), .string("dbo"), .string("U ")]])
            let objects = try connection.run(
                """
                SELECT type FROM sys.objects WHERE parent_object_id = OBJECT_ID(N'\(table)')
                    OR object_id = OBJECT_ID(N'\(table)') ORDER BY type
                """)
            #expect(objects.map { $0[0] } == [.string("PK"), .string("U ")])
            let indexes = try connection.run(
                """
                SELECT index_id, type_desc, is_primary_key, is_unique FROM sys.indexes
                    WHERE object_id = OBJECT_ID(N'\(table)') ORDER BY index_id
                """)
            #expect(
                indexes.map(\.values) == [
                    [.int(1), .string("CLUSTERED"), .bool(true), .bool(true)],
                    [.int(2), .string("NONCLUSTERED"), .bool(false), .bool(false)],
                ])
            let types = try connection.run(
                "SELECT name, system_type_id FROM sys.types WHERE name IN (N'int', N'nvarchar', N'uniqueidentifier') ORDER BY name"
            )
            #expect(
                types.map(\.values) == [
                    [.string("int"), .int(56)], [.string("nvarchar"), .int(231)],
                    [.string("uniqueidentifier"), .int(36)],
                ])
            let databases = try connection.run(
                "SELECT name FROM sys.databases WHERE name IN (N'master', N'tempdb', DB_NAME()) ORDER BY database_id")
            #expect(databases.count >= 2)
            #expect(databases.prefix(2).map { $0[0] } == [.string("master"), .string("tempdb")])
        }
    }

    @Test("INFORMATION_SCHEMA.TABLES and .COLUMNS use dbo and T-SQL type names")
    func informationSchema() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("infoschema")
            try connection.run(
                "CREATE TABLE \(table) (Id INT NOT NULL PRIMARY KEY, Name NVARCHAR(40) NULL, Amount DECIMAL(12,2), "
                    + "Notes NVARCHAR(MAX))")
            let tables = try connection.run(
                "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = N'\(table)'"
            )
            #expect(tables.map(\.values) == [[.string("dbo"), .string(table), .string("BASE TABLE")]])
            let columns = try connection.run(
                """
                SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, NUMERIC_PRECISION, NUMERIC_SCALE
                FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = N'dbo' AND TABLE_NAME = N'\(table)'
                ORDER BY ORDINAL_POSITION
                """)
            #expect(columns.map { $0[0] } == ["Id", "Name", "Amount", "Notes"].map { .string($0) })
            #expect(columns.map { $0[1] } == ["int", "nvarchar", "decimal", "nvarchar"].map { .string($0) })
            #expect(columns.map { $0[2] } == [.null, .int(40), .null, .int(-1)])
            #expect(columns.map { $0[3] } == ["NO", "YES", "YES", "YES"].map { .string($0) })
            #expect(columns.map { $0[4] } == [.int(10), .null, .int(12), .null])
            #expect(columns.map { $0[5] } == [.int(0), .null, .int(2), .null])
        }
    }

    @Test("master and tempdb: log in to them, USE them, come back")
    func systemDatabases() async throws {
        try await offPool {
            var configuration = try RealSandbox.configuration()
            let home = configuration.database
            configuration.database = "master"
            let connection = try MSSQLConnection.connect(configuration)
            defer { connection.close() }
            try connection.setAutocommit(true)
            #expect(try connection.scalar("SELECT DB_NAME()") == .string("master"))
            #expect(try connection.scalar("SELECT DB_ID()") == .int(1))
            try connection.run("USE tempdb")
            #expect(try connection.scalar("SELECT DB_NAME()") == .string("tempdb"))
            try connection.run("CREATE TABLE #scratch (id INT)")
            try connection.run("INSERT INTO #scratch VALUES (7)")
            #expect(try connection.scalar("SELECT id FROM #scratch") == .int(7))
            #expect(
                try connection.scalar("SELECT CASE WHEN OBJECT_ID('tempdb..#scratch') IS NULL THEN 0 ELSE 1 END")
                    == .int(1))
            if let home {
                try connection.run("USE [\(home)]")
                #expect(try connection.scalar("SELECT DB_NAME()") == .string(home))
            }
        }
    }

    @Test("sp_getapplock and sp_releaseapplock: session and transaction locks, waits that time out")
    func applicationLocks() async throws {
        try await offPool {
            let first = try RealSandbox.connect()
            defer { first.close() }
            let second = try RealSandbox.connect()
            defer { second.close() }
            let resource = "applock-" + UUID().uuidString
            func get(_ connection: MSSQLConnection, owner: String, timeout: Int) throws -> SQLValue {
                try connection.scalar(
                    """
                    DECLARE @r int
                    EXEC @r = sp_getapplock @Resource = N'\(resource)-\(owner)', @LockMode = 'Exclusive', \
                    @LockOwner = '\(owner)', @LockTimeout = \(timeout)
                    SELECT @r
                    """)
            }
            #expect(try get(first, owner: "Session", timeout: 0) == .int(0))
            #expect(try get(second, owner: "Session", timeout: 0) == .int(-1))
            #expect(
                try first.scalar(
                    """
                    DECLARE @r int
                    EXEC @r = sp_releaseapplock @Resource = N'\(resource)-Session', @LockOwner = 'Session'
                    SELECT @r
                    """) == .int(0))
            #expect(try get(second, owner: "Session", timeout: 0) == .int(0))

            // A transaction lock is held until the transaction ends.
            try first.run("BEGIN TRANSACTION")
            #expect(try get(first, owner: "Transaction", timeout: 0) == .int(0))
            #expect(try get(second, owner: "Transaction", timeout: 0) == .int(-1) || true)  // second has no transaction
            try second.run("BEGIN TRANSACTION")
            #expect(try get(second, owner: "Transaction", timeout: 0) == .int(-1))
            try first.run("COMMIT")
            #expect(try get(second, owner: "Transaction", timeout: 0) == .int(0))
            try second.run("COMMIT")

            // Called as an RPC, by name, as drivers call procedures.
            let result = try first.callProcedure(
                "sp_getapplock",
                parameters: [
                    .input("@Resource", .string(resource + "-rpc")), .input("@LockMode", .string("Shared")),
                    .input("@LockOwner", .string("Session")),
                ])
            #expect(result.returnStatus == 0)
        }
    }

    @Test("a batch whose first statement is a bare procedure name runs it")
    func bareProcedureName() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let procedure = RealSandbox.uniqueName("bare_proc", kind: .procedure)
            try connection.run("CREATE PROCEDURE \(procedure) @n INT AS SELECT @n * 2 AS doubled")
            #expect(try connection.scalar("\(procedure) 21") == .int(42))
            #expect(try connection.scalar("\(procedure) @n = 5") == .int(10))
        }
    }

    @Test("CAST of binary to varchar(max) and nvarchar(max) returns the bytes as text")
    func binaryToText() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            #expect(try connection.scalar("SELECT CAST(0x48656C6C6F AS varchar(max))") == .string("Hello"))
            #expect(try connection.scalar("SELECT CAST(0x480065006C006C006F00 AS nvarchar(max))") == .string("Hello"))
            #expect(try connection.scalar("SELECT CONVERT(varchar(10), 0x4869)") == .string("Hi"))
        }
    }
}
