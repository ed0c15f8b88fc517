import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// How `executeMany` cuts multi-row INSERT chunks so that SQL Server never converts a value (it gives each `VALUES`
/// column one type for all its rows), and the checks on parameter sets and decimals that guard it.
@Suite("MSSQLDriver executeMany: chunk types and parameter-set checks", .dropsTestObjects)
struct MSSQLMultiRowTypeTests {
    private func decimal(_ text: String) -> SQLValue { .decimal(SQLDecimal(text)!) }

    @Test("a column that changes kind starts a new chunk; NULLs go with any kind")
    func kindChanges() {
        #expect(MSSQLMultiRowExecuteMany.chunks([[.string("")], [.int(7)]]) == [0..<1, 1..<2])
        #expect(
            MSSQLMultiRowExecuteMany.chunks([[decimal("0.123456789012345678")], [.double(1.5)]]) == [0..<1, 1..<2])
        #expect(MSSQLMultiRowExecuteMany.chunks([[.null], [.int(1)], [.null], [.string("a")]]) == [0..<3, 3..<4])
        let day = SQLDate(year: 2024, month: 1, day: 2)!
        let moment = SQLTimestamp(date: day, time: SQLTime(hour: 1, minute: 2, second: 3)!)
        #expect(MSSQLMultiRowExecuteMany.chunks([[.date(day)], [.timestamp(moment)]]) == [0..<1, 1..<2])
        #expect(MSSQLMultiRowExecuteMany.chunks([[.uuid(UUID())], [.string("x")]]) == [0..<1, 1..<2])
        // The same kinds in every column: one chunk.
        let sets: [[SQLValue]] = (0..<10).map { [.int(Int64($0)), .string("n\($0)"), decimal("\($0).25")] }
        #expect(MSSQLMultiRowExecuteMany.chunks(sets) == [0..<10])
    }

    @Test("decimals share a chunk while their common type holds all of them exactly (38 digits)")
    func decimalPrecision() {
        #expect(MSSQLMultiRowExecuteMany.chunks([[decimal("12.5")], [decimal("3.125")], [decimal("-7")]]) == [0..<3])
        // 20 integer digits and a scale of 20 need DECIMAL(40,20): SQL Server would round one of them.
        #expect(
            MSSQLMultiRowExecuteMany.chunks([[decimal("12345678901234567890.5")], [decimal("0.12345678901234567890")]])
                == [0..<1, 1..<2])
    }

    @Test("chunks keep SQL Server's limits: at most 1,000 rows and 1,000 parameters")
    func limits() {
        let narrow = MSSQLMultiRowExecuteMany.chunks((0..<2500).map { [.int(Int64($0))] })
        #expect(narrow == [0..<1000, 1000..<2000, 2000..<2500])
        let wide = MSSQLMultiRowExecuteMany.chunks((0..<700).map { _ in [.int(1), .int(2), .int(3)] })
        #expect(wide == [0..<333, 333..<666, 666..<700])
    }

    @Test("a parameter set with fewer values than the statement's placeholders is refused, on both paths")
    func setSizes() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let table = RealSandbox.uniqueName("multirow_sizes")
            try connection.run("CREATE TABLE \(table) (a INT, b INT)")
            defer { _ = try? connection.run("DROP TABLE \(table)") }
            let cursor = try connection.makeCursor()
            for sql in [
                "INSERT INTO \(table) (a, b) VALUES (@P1, @P2)",  // the multi-row path
                "UPDATE \(table) SET b = @P2 WHERE a = @P1",  // the batched path
            ] {
                let error = try #require(
                    databaseError { try cursor.executeMany(sql, parameterSets: [[.int(1), .int(2)], [.int(3)]]) })
                #expect(error.kind == .invalidParameters)
                #expect(error.message.contains("parameter set 1 has 1 values"))
            }
            #expect(try connection.scalar("SELECT COUNT(*) FROM \(table)") == .int(0))
        }
    }

    @Test("a decimal parameter with a scale beyond 38 is refused with an error, not sent")
    func decimalScaleBeyond38() async throws {
        try await offPool {
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let tiny = decimal("0." + String(repeating: "0", count: 39) + "1")
            let error = try #require(databaseError { _ = try connection.scalar("SELECT %s AS v", [tiny]) })
            #expect(error.message.contains("38"))
            let tinier = decimal("0." + String(repeating: "0", count: 80) + "1")
            #expect(databaseError { _ = try connection.scalar("SELECT %s AS v", [tinier]) } != nil)
        }
    }
}
