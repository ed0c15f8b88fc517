import DBCore
import Foundation
import TDSSandbox
import Testing

/// `sp_execute` reuses a prepared statement's translation (the session's translation cache, keyed by the text and the
/// declared types) only while the table columns that translation read are unchanged: a statement whose translation
/// read a table's columns (a `bit` column's `1` becomes `TRUE`) is translated again after the table changes.
@Suite("Engine: sp_execute and the kept translation")
struct EnginePreparedTranslationTests {
    private func text(_ value: String) -> RPCParameter {
        RPCParameter(name: "", type: .nvarchar(nil), value: .string(value))
    }

    private func prepare(_ engine: PostgresSessionEngine, _ declarations: String, _ sql: String) throws -> Int64? {
        let prepared = try engine.rpc(
            "sp_prepare",
            [
                RPCParameter(name: "@handle", type: .int, value: .null, isOutput: true), text(declarations), text(sql),
            ])
        for event in prepared.events {
            if case .returnValue(let parameter, 0) = event, case .int(let handle) = parameter.value { return handle }
        }
        return nil
    }

    private func execute(_ engine: PostgresSessionEngine, _ handle: Int64, _ id: Int64) throws -> Recorded {
        try engine.rpc(
            "sp_execute",
            [
                RPCParameter(name: "", type: .int, value: .int(handle)),
                RPCParameter(name: "", type: .int, value: .int(id)),
            ])
    }

    @Test("a plain query runs again and again by handle, and sees the table as it is at each run")
    func plainQuery() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE P (id int, name nvarchar(10)); INSERT P VALUES (1, N'one'), (2, N'two')")
        let handle = try #require(try prepare(engine, "@P1 int", "SELECT COUNT(*) FROM P WHERE id <= @P1"))
        for (id, count) in [(1, 1), (2, 2), (0, 0), (2, 2)] {
            let response = try execute(engine, handle, Int64(id))
            #expect(response.errors.isEmpty, "\(response.errors)")
            #expect(response.scalar == .int(Int64(count)))
        }
        _ = try engine.ok("DROP TABLE P; CREATE TABLE P (id int, name nvarchar(10)); INSERT P VALUES (5, N'five')")
        #expect(try execute(engine, handle, 9).scalar == .int(1))
    }

    @Test("a statement whose translation read a table's columns is translated again at each run")
    func catalogDependent() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE B (id int, flag bit)")
        let handle = try #require(try prepare(engine, "@P1 int", "INSERT B VALUES (@P1, 1)"))
        #expect(try execute(engine, handle, 1).errors.isEmpty)
        #expect(try execute(engine, handle, 2).errors.isEmpty)
        _ = try engine.ok("DROP TABLE B; CREATE TABLE B (id int, flag int)")
        let afterChange = try execute(engine, handle, 3)
        #expect(afterChange.errors.isEmpty, "\(afterChange.errors)")
        #expect(try engine.ok("SELECT flag FROM B WHERE id = 3").scalar == .int(1))
    }
}
