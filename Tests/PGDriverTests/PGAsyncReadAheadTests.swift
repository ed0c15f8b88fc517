import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

/// The async row batches read one batch ahead: every row arrives once and in order, a result that is an exact
/// multiple of the batch size ends cleanly, and stopping or cancelling mid-way leaves the connection usable.
@Suite("PGDriver async rows with read-ahead")
struct PGAsyncReadAheadTests {
    static func connect() async throws -> AsyncConnection {
        try await AsyncConnection.connect(try TestDatabase.server().configuration(tls: nil), driver: PGDriver())
    }

    @Test("every row once, in order, for sizes around the batch size")
    func everyRowInOrder() async throws {
        let connection = try await PGAsyncReadAheadTests.connect()
        for total in [0, 1, 999, 1000, 1001, 3000, 3001] {
            var batchSizes: [Int] = []
            var expected = 1
            for try await batch in connection.rowBatches(
                "SELECT g FROM generate_series(1, \(bind: total)) AS g ORDER BY g", batchSize: 1000)
            {
                batchSizes.append(batch.count)
                for row in batch {
                    #expect(try row.get(Int.self, at: 0) == expected)
                    expected += 1
                }
            }
            #expect(expected == total + 1, "total \(total)")
            let full = total / 1000
            let rest = total % 1000
            #expect(batchSizes == Array(repeating: 1000, count: full) + (rest > 0 ? [rest] : []), "total \(total)")
        }
        await connection.close()
    }

    @Test("leaving the loop early, then another statement on the same connection")
    func earlyExitThenStatement() async throws {
        let connection = try await PGAsyncReadAheadTests.connect()
        var seen = 0
        for try await _ in connection.rows("SELECT g FROM generate_series(1, 10000) AS g", batchSize: 100) {
            seen += 1
            if seen == 250 { break }
        }
        #expect(seen == 250)
        let rows = try await connection.query("SELECT 41 + \(bind: 1) AS v")
        #expect(try rows[0].get(Int.self, at: 0) == 42)
        await connection.close()
    }

    @Test("cancelling the iterating task stops it with .cancelled; the connection stays usable")
    func cancellation() async throws {
        let connection = try await PGAsyncReadAheadTests.connect()
        let task = Task { () -> Int in
            var count = 0
            for try await _ in connection.rows("SELECT g FROM generate_series(1, 2000000) AS g", batchSize: 1000) {
                count += 1
                if count == 5000 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return count
        }
        let outcome = await task.result
        switch outcome {
        case .success(let count):
            Issue.record("the iteration ran to its end (\(count) rows) despite the cancel")
        case .failure(let error):
            #expect((error as? DatabaseError)?.kind == .cancelled, "\(error)")
        }
        let rows = try await connection.query("SELECT \(bind: 7) AS v")
        #expect(try rows[0].get(Int.self, at: 0) == 7)
        await connection.close()
    }
}
