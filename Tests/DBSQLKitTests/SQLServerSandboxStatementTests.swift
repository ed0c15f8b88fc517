import DBCore
import DBSQLKit
import Foundation
import MSSQLDriver
import SQLKit
import TestSupport
import Testing

/// The T-SQL the dialect writes, run over the wire against the TDS sandbox (MSSQLDriver), each test in a database of
/// its own.
@Suite struct SQLServerSandboxStatementTests {
    struct Planet: Codable, Equatable {
        var id: Int
        var name: String
    }

    func withDatabase(_ body: (DBSQLDatabase) async throws -> Void) async throws {
        let database = try await offPool { try BenchmarkDatabase.make(prefix: "sqlkit_stmt") }
        defer { database.drop() }
        let pool = ConnectionPool(driver: MSSQLDriver(), configuration: try database.sandboxConfiguration())
        defer { pool.close() }
        try await body(pool.sql(queryLogLevel: nil))
    }

    @Test func createTableIfNotExistsTwiceDoesNotFail() async throws {
        try await withDatabase { sql in
            for _ in 0..<2 {
                try await sql.create(table: "planets").ifNotExists()
                    .column("id", type: .bigint, .primaryKey)
                    .column("name", type: .text, .notNull)
                    .run()
            }
            let rows = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("planets").all()
            #expect(try rows.first?.decode(column: "n", as: Int.self) == 0)
        }
    }

    @Test func insertReturningPagingAndUpsert() async throws {
        try await withDatabase { sql in
            try await sql.create(table: "planets")
                .column("id", type: .bigint, .primaryKey)
                .column("name", type: .text, .notNull)
                .run()
            let inserted = try await sql.insert(into: "planets").columns("id", "name")
                .values(SQLLiteral.default, SQLBind("Mercury"))
                .values(SQLLiteral.default, SQLBind("Venus"))
                .values(SQLLiteral.default, SQLBind("Earth"))
                .returning("id", "name")
                .all(decoding: Planet.self)
            #expect(inserted.map(\.name) == ["Mercury", "Venus", "Earth"])
            #expect(Set(inserted.map(\.id)).count == 3)

            let page = try await sql.select().columns("id", "name").from("planets").orderBy("id")
                .limit(1).offset(1).all(decoding: Planet.self)
            #expect(page.map(\.name) == ["Venus"])
            let top = try await sql.select().column("name").from("planets").limit(2).all()
            #expect(top.count == 2)

            let earth = try #require(inserted.last)
            try await sql.insert(into: "planets").columns("id", "name")
                .values(SQLBind(earth.id), SQLBind("Terra"))
                .onConflict(with: ["id"]) { $0.set(excludedValueOf: "name") }
                .run()
            let renamed = try await sql.select().column("name").from("planets").where("id", .equal, earth.id)
                .first(decodingColumn: "name", as: String.self)
            #expect(renamed == "Terra")

            let deleted = try await sql.delete(from: "planets").where("name", .equal, "Mercury").returning("id")
                .all(decodingColumn: "id", as: Int.self)
            #expect(deleted == [inserted[0].id])
        }
    }

    @Test func lockingClauseInATransactionOnOneConnection() async throws {
        let database = try await offPool { try BenchmarkDatabase.make(prefix: "sqlkit_lock") }
        defer { database.drop() }
        let pool = ConnectionPool(driver: MSSQLDriver(), configuration: try database.sandboxConfiguration())
        defer { pool.close() }
        try await pool.sql(queryLogLevel: nil).create(table: "counters")
            .column("id", type: .int, .primaryKey(autoIncrement: false)).column("value", type: .int).run()
        try await pool.sql(queryLogLevel: nil).insert(into: "counters").columns("id", "value")
            .values(SQLBind(1), SQLBind(10)).run()
        try await pool.withConnection { connection in
            try await connection.setAutocommit(false)
            let sql = connection.sql(queryLogLevel: nil)
            let value = try await sql.select().column("value").from("counters").where("id", .equal, 1)
                .for(.update).first(decodingColumn: "value", as: Int.self)
            try await sql.update("counters").set("value", to: (value ?? 0) + 1).where("id", .equal, 1).run()
            try await connection.commit()
        }
        let value = try await pool.sql(queryLogLevel: nil).select().column("value").from("counters")
            .first(decodingColumn: "value", as: Int.self)
        #expect(value == 11)
    }
}
