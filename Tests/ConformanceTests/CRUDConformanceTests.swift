import DBCore
import Foundation
import Testing

/// Create, read, update, delete; row counts; NULLs; executeMany; Codable rows; multiple result sets — the same
/// code on PostgreSQL and on SQL Server.
@Suite("Conformance: CRUD and results")
struct CRUDConformanceTests {
    struct Item: Decodable, Equatable {
        let id: Int
        let name: String
        let quantity: Int?
    }

    @Test("insert, select, update, delete with row counts and NULLs", arguments: Backend.allCases)
    func crud(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let table = try conn.makeTable(
                "crud",
                "id \(backend.identityPrimaryKey), name \(backend.type(.shortText(50))) NOT NULL, quantity INTEGER")
            defer { _ = try? conn.run("DROP TABLE \(table)") }
            let cursor = try conn.cursor()
            try cursor.execute("INSERT INTO \(table) (name, quantity) VALUES (%s, %s)", ["banana", 150])
            #expect(cursor.rowCount == 1)
            try cursor.execute("INSERT INTO \(table) (name, quantity) VALUES (%s, %s)", ["orange", nil])
            try cursor.execute("SELECT id, name, quantity FROM \(table) ORDER BY id")
            #expect(cursor.columns?.map { $0.name.lowercased() } == ["id", "name", "quantity"])
            let rows = try cursor.fetchAll()
            #expect(
                rows.map { Array($0.values) } == [
                    [.int(1), .string("banana"), .int(150)], [.int(2), .string("orange"), .null],
                ])
            #expect(
                try rows.map { try $0.decode(Item.self) } == [
                    Item(id: 1, name: "banana", quantity: 150), Item(id: 2, name: "orange", quantity: nil),
                ])
            #expect(try rows[1].get(Int?.self, at: 2) == nil)
            try cursor.execute("UPDATE \(table) SET quantity = %s WHERE quantity IS NULL OR quantity > %s", [7, 100])
            #expect(cursor.rowCount == 2)
            try cursor.execute("DELETE FROM \(table) WHERE name = %s", ["banana"])
            #expect(cursor.rowCount == 1)
            try cursor.execute("SELECT id, name, quantity FROM \(table)")
            #expect(try cursor.fetchAll(as: Item.self) == [Item(id: 2, name: "orange", quantity: 7)])
            try cursor.execute("SELECT name FROM \(table) WHERE name = %s", ["nothing"])
            #expect(try cursor.fetchOne() == nil)
        }
    }

    @Test("executeMany inserts every parameter set and totals the row count", arguments: Backend.allCases)
    func executeMany(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let table = try conn.makeTable("many", "id INTEGER PRIMARY KEY, label \(backend.type(.shortText(20)))")
            defer { _ = try? conn.run("DROP TABLE \(table)") }
            let cursor = try conn.cursor()
            try cursor.executeMany(
                "INSERT INTO \(table) (id, label) VALUES (%s, %s)", [[1, "one"], [2, nil], [3, "three"]])
            #expect(cursor.rowCount == 3)
            try cursor.executeMany(
                "UPDATE \(table) SET label = %(label)s WHERE id = %(id)s",
                [["id": 2, "label": "two"], ["id": 9, "label": "x"]])
            #expect(cursor.rowCount == 1)
            try cursor.execute("SELECT label FROM \(table) ORDER BY id")
            #expect(try cursor.fetchAll().map { $0[0] } == [.string("one"), .string("two"), .string("three")])
        }
    }

    @Test("fetchOne, fetchMany and arraySize page through a result", arguments: Backend.allCases)
    func fetching(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let table = try conn.makeTable("fetch", "id INTEGER PRIMARY KEY")
            defer { _ = try? conn.run("DROP TABLE \(table)") }
            let cursor = try conn.cursor()
            try cursor.executeMany("INSERT INTO \(table) (id) VALUES (%s)", (1...5).map { [$0] })
            try cursor.execute("SELECT id FROM \(table) ORDER BY id")
            #expect(try cursor.fetchOne()?[0] == .int(1))
            cursor.arraySize = 2
            #expect(try cursor.fetchMany().map { $0[0] } == [.int(2), .int(3)])
            #expect(try cursor.fetchAll().map { $0[0] } == [.int(4), .int(5)])
            #expect(try cursor.fetchOne() == nil)
        }
    }

    @Test("a batch of two queries gives two result sets", arguments: Backend.allCases)
    func multipleResultSets(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let cursor = try conn.cursor()
            try cursor.execute("SELECT 1 AS a; SELECT 'two' AS b, 3 AS c")
            #expect(cursor.columns?.map(\.name) == ["a"])
            #expect(try cursor.fetchAll().map { Array($0.values) } == [[.int(1)]])
            #expect(try cursor.nextResultSet())
            #expect(cursor.columns?.map(\.name) == ["b", "c"])
            #expect(try cursor.fetchAll().map { Array($0.values) } == [[.string("two"), .int(3)]])
            #expect(try !cursor.nextResultSet())
        }
    }

    @Test("a closed connection is not alive and refuses work", arguments: Backend.allCases)
    func closing(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            #expect(conn.isAlive)
            try conn.ping()
            conn.close()
            conn.close()
            #expect(conn.isClosed)
            #expect(!conn.isAlive)
            #expect(databaseError { try conn.ping() }?.kind == .connectionLost)
        }
    }
}
