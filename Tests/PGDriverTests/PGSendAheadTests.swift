import DBCore
import PGDriver
import Testing

/// The package API the TDS sandbox reads cursor batches with: ``PGCursor/nextRowBatch()`` and a statement sent
/// ahead (``PGConnection/sendAhead(_:)``, ``PGConnection/receiveRows(_:)``).
@Suite("PGDriver: row batches and statements sent ahead")
struct PGSendAheadTests {
    @Test func aBatchHoldsTheRestOfABufferedResult() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor()
        try cursor.execute("SELECT g AS n FROM generate_series(1, 5) AS g")
        _ = try cursor.fetchOne()
        let batch = try #require(try cursor.nextRowBatch())
        #expect(batch.count == 4)
        #expect(try (0..<batch.count).map { try batch.row($0).value(0) } == [.int(2), .int(3), .int(4), .int(5)])
        #expect(try cursor.nextRowBatch() == nil)
        #expect(try cursor.fetchOne() == nil)
    }

    @Test func aStatementSentAheadGivesItsRowsLater() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let pending = try connection.sendAhead("SELECT g AS n, 'x' || g AS s FROM generate_series(1, 3) AS g")
        let batch = try #require(try connection.receiveRows(pending))
        #expect(batch.count == 3)
        #expect(try batch.row(2).value(0) == .int(3))
        #expect(try batch.row(2).value(1) == .string("x3"))
        // The connection is free again; a statement without rows gives no batch.
        #expect(try connection.receiveRows(try connection.sendAhead("SET application_name = 'ahead'")) == nil)
        #expect(try connection.run("SELECT 1 AS one").first?.values == [.int(1)])
    }

    @Test func anErrorArrivesWhenTheRowsAreRead() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let pending = try connection.sendAhead("SELECT 1 / 0 AS q")
        #expect(throws: DatabaseError.self) { try connection.receiveRows(pending) }
        #expect(try connection.run("SELECT 2 AS two").first?.values == [.int(2)])
    }

    @Test func anotherStatementDropsThePendingResult() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let pending = try connection.sendAhead("SELECT g FROM generate_series(1, 1000) AS g")
        #expect(try connection.run("SELECT 3 AS three").first?.values == [.int(3)])
        let error = #expect(throws: DatabaseError.self) { try connection.receiveRows(pending) }
        #expect(error?.kind == .misuse)
    }
}
