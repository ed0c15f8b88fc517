import DBCore
import Foundation
import Testing

@testable import TDSSandbox

/// `sp_executesql` translations are cached by statement text and parameter types, and a cached translation is
/// used only while the session's recorded table columns it depended on are unchanged.
@Suite("Engine: the sp_executesql translation cache")
struct EngineTranslationCacheTests {
    static func executeSQL(
        _ engine: PostgresSessionEngine, _ sql: String, _ declarations: String, _ values: [RPCParameter]
    ) throws -> Recorded {
        try engine.rpc(
            "sp_executesql",
            [
                RPCParameter(name: "", type: .nvarchar(nil), value: .string(sql)),
                RPCParameter(name: "", type: .nvarchar(nil), value: .string(declarations)),
            ] + values)
    }

    @Test func aRepeatedPointQueryIsTranslatedOnce() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE items (id int PRIMARY KEY, name nvarchar(20))")
        _ = try engine.ok("INSERT INTO items VALUES (1, N'one'), (2, N'two'), (3, N'three')")
        let (hits, misses) = (engine.translations.hits, engine.translations.misses)
        for id in 1...3 {
            let result = try Self.executeSQL(
                engine, "SELECT name FROM items WHERE id = @id", "@id int",
                [RPCParameter(name: "@id", type: .int, value: .int(Int64(id)))])
            #expect(result.errors.isEmpty, "\(result.errors)")
            #expect(result.scalar == .string(["one", "two", "three"][id - 1]))
        }
        #expect(engine.translations.misses == misses + 1)
        #expect(engine.translations.hits == hits + 2)
        // Other parameter types are another statement.
        let wide = try Self.executeSQL(
            engine, "SELECT name FROM items WHERE id = @id", "@id bigint",
            [RPCParameter(name: "@id", type: .bigint, value: .int(2))])
        #expect(wide.scalar == .string("two"))
        #expect(engine.translations.misses == misses + 2)
    }

    /// The catalog fingerprint is prepared after a few runs (the connection's statement cache); prepared, it must
    /// still see another session's DDL: a column added there is typed by its recorded T-SQL type here.
    @Test func aPreparedCatalogFingerprintStillSeesAnotherSessionsDDL() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let table = EngineBatchedSelectTests.uniqueName("prices")
        _ = try engine.ok("CREATE TABLE \(table) (id int PRIMARY KEY)")
        _ = try engine.ok("INSERT INTO \(table) VALUES (1)")
        let point = "SELECT id FROM \(table) WHERE id = @id"
        for _ in 0..<8 {
            let result = try Self.executeSQL(
                engine, point, "@id int", [RPCParameter(name: "@id", type: .int, value: .int(1))])
            #expect(result.scalar == .int(1), "\(result.errors)")
        }
        let other = try EngineBatchedSelectTests.secondEngine(on: engine)
        defer { other.close() }
        _ = try other.ok("ALTER TABLE \(table) ADD price money NULL")
        let result = try Self.executeSQL(
            engine, "SELECT price FROM \(table) WHERE id = @id", "@id int",
            [RPCParameter(name: "@id", type: .int, value: .int(1))])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.resultSets.first?.columns.map(\.type) == [.money])
    }

    @Test func ddlThatChangesATablesColumnsRetranslates() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE flags (id int, flag int)")
        let insert = "INSERT INTO flags VALUES (@id, 1)"
        let first = try Self.executeSQL(
            engine, insert, "@id int", [RPCParameter(name: "@id", type: .int, value: .int(1))])
        #expect(first.errors.isEmpty, "\(first.errors)")
        // Now the second column is a bit: the literal 1 must become TRUE, which only a new translation knows.
        _ = try engine.ok("DROP TABLE flags")
        _ = try engine.ok("CREATE TABLE flags (id int, flag bit)")
        let misses = engine.translations.misses
        let second = try Self.executeSQL(
            engine, insert, "@id int", [RPCParameter(name: "@id", type: .int, value: .int(2))])
        #expect(second.errors.isEmpty, "\(second.errors)")
        #expect(engine.translations.misses == misses + 1)
        #expect(try engine.ok("SELECT CAST(flag AS int) FROM flags WHERE id = 2").scalar == .int(1))
    }

    @Test func declarationStringsAndFailuresAreNotCachedWrongly() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        // A statement that fails to translate fails again (nothing cached), and the session goes on.
        for _ in 0..<2 {
            let failed = try Self.executeSQL(engine, "SELECT FROM WHERE", "", [])
            #expect(!failed.errors.isEmpty)
        }
        let ok = try Self.executeSQL(
            engine, "SELECT @a + @b", "@a int, @b int",
            [
                RPCParameter(name: "@a", type: .int, value: .int(2)),
                RPCParameter(name: "@b", type: .int, value: .int(3)),
            ])
        #expect(ok.scalar == .int(5))
        let again = try Self.executeSQL(
            engine, "SELECT @a + @b", "@a int, @b int",
            [
                RPCParameter(name: "@a", type: .int, value: .int(20)),
                RPCParameter(name: "@b", type: .int, value: .int(30)),
            ])
        #expect(again.scalar == .int(50))
    }
}
