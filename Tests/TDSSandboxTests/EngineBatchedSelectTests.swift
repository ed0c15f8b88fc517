import DBCore
import Foundation
import NIOCore
import Testing
import ThrowawayServers

@testable import TDSSandbox

/// Plain SELECTs read through a PostgreSQL cursor, ``PostgresSessionEngine/batchedFetchSize`` rows per FETCH
/// (`PostgresSessionEngine+BatchedSelect.swift`): the same columns and row bytes as libpq's single-row mode, and
/// the same T-SQL behaviour for errors in a later batch, cancels, row counts, several result sets and
/// transactions.
@Suite("Engine: SELECTs read in batches through a cursor")
struct EngineBatchedSelectTests {
    /// One result set as the protocol layer would encode it.
    struct ResultSet {
        var columns: [ResultColumn]
        var rows: [[SQLValue]] = []
        /// Each row's ROW/NBCROW token (TDS 7.4), or the encoding error's description.
        var tokens: [[UInt8]] = []
    }

    /// What one request gave.
    struct Recording {
        var sets: [ResultSet] = []
        var errors: [SQLServerMessage] = []
        var doneCounts: [Int?] = []
        var outcome: RequestOutcome = .completed
        /// The rows of each batch event (cursor batches only).
        var batchSizes: [Int] = []
        var rows: [[SQLValue]] { sets.flatMap(\.rows) }
    }

    /// Runs `sql` with row views on, through cursor batches (`batched`) or single-row mode; `afterRow` sees each
    /// row's 1-based number.
    static func run(
        _ engine: PostgresSessionEngine, _ sql: String, batched: Bool = true, afterRow: (Int) -> Void = { _ in }
    ) throws -> Recording {
        let writer = TDSTokenWriter(version: .v7_4, serverName: "test")
        var recording = Recording()
        var scratch: [UInt8] = []
        var count = 0
        engine.emitsRowViews = true
        engine.fetchesInBatches = batched
        defer {
            engine.emitsRowViews = false
            engine.fetchesInBatches = true
        }
        func record(_ view: SandboxRowView) throws {
            let last = recording.sets.count - 1
            var buffer = ByteBuffer()
            do {
                try writer.writeRow(view, columns: recording.sets[last].columns, scratch: &scratch, into: &buffer)
                recording.sets[last].tokens.append(Array(buffer.readableBytesView))
            } catch {
                recording.sets[last].tokens.append(Array("\(error)".utf8))
            }
            recording.sets[last].rows.append(try view.values())
            count += 1
            afterRow(count)
        }
        recording.outcome = try engine.executeBatch(sql) { event in
            switch event {
            case .columns(let columns):
                recording.sets.append(ResultSet(columns: columns))
            case .rowView(let view):
                try record(view)
            case .rowBatch(let rows):
                recording.batchSizes.append(rows.count)
                for index in 0..<rows.count { try record(rows.row(index)) }
            case .row(let values):
                recording.sets[recording.sets.count - 1].rows.append(values)
            case .message(let message) where message.severity > 10:
                recording.errors.append(message)
            case .statementDone(let count, _):
                recording.doneCounts.append(count)
            default:
                break
            }
        }
        return recording
    }

    /// The named cursors open in the session, as the statement itself sees them (PostgreSQL's `pg_cursors`;
    /// the unnamed portal of the statement itself is left out).
    static let openCursors = "SELECT name FROM pg_cursors WHERE name <> '' ORDER BY name"

    /// Another session on `engine`'s database.
    static func secondEngine(on engine: PostgresSessionEngine) throws -> PostgresSessionEngine {
        let configuration = try ThrowawayPostgres.shared().configuration(database: engine.currentDatabase)
        let login = SandboxLogin(
            user: configuration.user ?? "postgres", password: configuration.password ?? "",
            database: engine.currentDatabase, applicationName: "engine-tests", hostName: "localhost")
        let second = try PostgresSessionEngine.makeFactory(postgres: configuration)(login)
        guard let second = second as? PostgresSessionEngine else { throw EngineHarness.HarnessError.wrongEngine }
        return second
    }

    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
    }

    @Test func plainSelectsAreRecognised() {
        #expect(PostgresSessionEngine.isPlainSelect("SELECT 1"))
        #expect(PostgresSessionEngine.isPlainSelect("  select a, b FROM t WHERE x = 'y'"))
        #expect(PostgresSessionEngine.isPlainSelect("SELECT(1)"))
        #expect(PostgresSessionEngine.isPlainSelect("SELECT intox, pointo FROM t"))
        #expect(!PostgresSessionEngine.isPlainSelect("SELECT a INTO b FROM t"))
        #expect(!PostgresSessionEngine.isPlainSelect("SELECT a\nInto b FROM t"))
        #expect(!PostgresSessionEngine.isPlainSelect("SELECT 1; SELECT 2"))
        #expect(!PostgresSessionEngine.isPlainSelect("SELECTED"))
        #expect(!PostgresSessionEngine.isPlainSelect("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"))
        #expect(!PostgresSessionEngine.isPlainSelect("INSERT INTO t SELECT 1"))
        #expect(!PostgresSessionEngine.isPlainSelect("SHOW search_path"))
    }

    @Test func theBatchedPathRunsThroughACursorAndTheOtherDoesNot() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let batched = try Self.run(engine, Self.openCursors)
        #expect(batched.rows == [[.string(PostgresSessionEngine.batchedCursorName)]])
        let single = try Self.run(engine, Self.openCursors, batched: false)
        #expect(single.sets.count == 1)
        #expect(single.rows.isEmpty)
        // The cursor is gone once the statement ended.
        #expect(try Self.run(engine, Self.openCursors, batched: false).rows.isEmpty)
    }

    /// The T-SQL translator drops comments; PostgreSQL text given to the engine directly may end with one.
    @Test func aStatementEndingInALineCommentStillFetches() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        engine.emitsRowViews = true
        defer { engine.emitsRowViews = false }
        var rows = 0
        let query = PostgresQuery(sql: "SELECT g AS n FROM generate_series(1, 1500) AS g -- the end")
        let count = try engine.runQuery(query, kind: .select, context: ExecutionContext(inProcedure: false)) { event in
            if case .rowBatch(let batch) = event { rows += batch.count }
        }
        #expect(count == 1500)
        #expect(rows == 1500)
    }

    @Test func everyTypeAndNullGiveTheSameColumnsAndBytesAsSingleRowMode() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let setup = try engine.run(EngineRowViewTests.table + "\n" + EngineRowViewTests.rows)
        #expect(setup.errors.isEmpty, "\(setup.errors)")
        let sql = "SELECT * FROM every_type ORDER BY k"
        let batched = try Self.run(engine, sql)
        let single = try Self.run(engine, sql, batched: false)
        #expect(batched.errors.isEmpty && single.errors.isEmpty, "\(batched.errors) \(single.errors)")
        #expect(batched.sets.count == 1)
        #expect(batched.sets.first?.columns == single.sets.first?.columns)
        #expect(batched.sets.first?.tokens.count == 5)
        #expect(batched.sets.first?.tokens == single.sets.first?.tokens)
        #expect(batched.rows == single.rows)
        #expect(batched.doneCounts == [5])
    }

    @Test func manyBatchesArriveInOrderWithTheirCount() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        // Three full batches and a short one, then exactly two full batches (the last FETCH returns nothing).
        let size = PostgresSessionEngine.batchedFetchSize
        for total in [3 * size + 7, 2 * size] {
            let sql = "SELECT g AS n, N'row ' + CAST(g AS nvarchar(12)) AS label FROM generate_series(1, \(total)) AS g"
            let batched = try Self.run(engine, sql)
            let single = try Self.run(engine, sql, batched: false)
            #expect(batched.errors.isEmpty)
            #expect(batched.rows.count == total)
            // One event per FETCH (none for an empty last FETCH); single-row mode sends no batches.
            #expect(batched.batchSizes == (total == 2 * size ? [size, size] : [size, size, size, 7]))
            #expect(single.batchSizes.isEmpty)
            #expect(batched.rows.last == [.int(Int64(total)), .string("row \(total)")])
            #expect(batched.sets.first?.tokens == single.sets.first?.tokens)
            #expect(batched.doneCounts == [total])
            #expect(try engine.ok("SELECT @@ROWCOUNT").scalar == .int(Int64(total)))
        }
    }

    @Test func severalResultSetsInOneBatch() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let sql = """
            SELECT g AS n FROM generate_series(1, 2500) AS g
            SELECT 'x' AS a
            SELECT g AS n FROM generate_series(1, 3) AS g WHERE g > 5
            SELECT g AS n FROM generate_series(1, 1200) AS g
            """
        let recording = try Self.run(engine, sql)
        #expect(recording.errors.isEmpty, "\(recording.errors)")
        #expect(recording.sets.map(\.rows.count) == [2500, 1, 0, 1200])
        #expect(recording.doneCounts == [2500, 1, 0, 1200])
        #expect(recording.sets[1].rows == [[.string("x")]])
    }

    /// 1/(g - 2500): the third FETCH fails; the rows of the first two batches went out before the error.
    static let failingSelect = "SELECT g AS n, 10 / (g - 2500) AS q FROM generate_series(1, 3000) AS g"

    @Test func anErrorInALaterBatchOutsideATransaction() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let recording = try Self.run(engine, Self.failingSelect + "\nSELECT 7 AS after_error")
        #expect(recording.errors.map(\.number) == [8134], "\(recording.errors)")
        #expect(recording.sets.first?.rows.count == 2 * PostgresSessionEngine.batchedFetchSize)
        #expect(recording.sets.first?.rows.last?.first == .int(2000))
        // The batch goes on after the error (the statement's transaction was rolled back), as in SQL Server.
        #expect(recording.sets.last?.rows == [[.int(7)]])
        #expect(try Self.run(engine, Self.openCursors, batched: false).rows.isEmpty)
        #expect(try engine.ok("SELECT @@TRANCOUNT").scalar == .int(0))
        // The statement's failed PostgreSQL transaction was rolled back (else every statement after it would fail
        // with "current transaction is aborted"): a write after it commits on its own.
        let table = Self.uniqueName("after")
        _ = try engine.ok("CREATE TABLE \(table) (id int)\nINSERT INTO \(table) VALUES (1)")
        let other = try Self.secondEngine(on: engine)
        defer { other.close() }
        #expect(try other.ok("SELECT count(*) AS c FROM \(table)").scalar == .int(1))
    }

    @Test func anErrorInALaterBatchInsideATransactionRollsBackOnlyTheStatement() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let table = Self.uniqueName("kept")
        _ = try engine.ok("CREATE TABLE \(table) (id int)")
        _ = try engine.ok("BEGIN TRANSACTION\nINSERT INTO \(table) VALUES (1)")
        let recording = try Self.run(engine, Self.failingSelect)
        #expect(recording.errors.map(\.number) == [8134])
        #expect(recording.rows.count == 2 * PostgresSessionEngine.batchedFetchSize)
        #expect(try engine.ok("SELECT @@TRANCOUNT").scalar == .int(1))
        #expect(try Self.run(engine, Self.openCursors, batched: false).rows.isEmpty)
        // The transaction goes on: a batched SELECT in it sees its insert, then it commits.
        #expect(try Self.run(engine, "SELECT count(*) AS c FROM \(table)").rows == [[.int(1)]])
        _ = try engine.ok("COMMIT")
        #expect(try engine.ok("SELECT count(*) AS c FROM \(table)").scalar == .int(1))
    }

    @Test func aSelectInsideATransactionSeesItsWritesAndLeavesNoCursor() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let table = Self.uniqueName("inside")
        _ = try engine.ok("CREATE TABLE \(table) (id int)")
        _ = try engine.ok("BEGIN TRANSACTION\nINSERT INTO \(table) SELECT g FROM generate_series(1, 1500) AS g")
        for _ in 0..<2 {
            let recording = try Self.run(engine, "SELECT id FROM \(table) ORDER BY id")
            #expect(recording.errors.isEmpty, "\(recording.errors)")
            #expect(recording.rows.count == 1500)
            #expect(try Self.run(engine, Self.openCursors, batched: false).rows.isEmpty)
        }
        _ = try engine.ok("ROLLBACK")
        #expect(try engine.ok("SELECT count(*) AS c FROM \(table)").scalar == .int(0))
    }

    @Test(arguments: [false, true])
    func aCancelMidResultStopsBetweenBatchesAndClosesTheCursor(inTransaction: Bool) throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        if inTransaction { _ = try engine.ok("BEGIN TRANSACTION") }
        let recording = try Self.run(engine, "SELECT g AS n FROM generate_series(1, 100000) AS g") { row in
            if row == 10 { engine.cancel() }
        }
        #expect(recording.outcome == .cancelled)
        #expect(recording.rows.count >= 10)
        #expect(recording.rows.count < 100_000)
        // The session goes on, with no cursor left behind; the same SELECT runs again to its end.
        #expect(try Self.run(engine, Self.openCursors, batched: false).rows.isEmpty)
        let again = try Self.run(engine, "SELECT g AS n FROM generate_series(1, 3000) AS g")
        #expect(again.errors.isEmpty, "\(again.errors)")
        #expect(again.rows.count == 3000)
    }
}
