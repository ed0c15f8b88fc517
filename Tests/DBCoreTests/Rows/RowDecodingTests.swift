import DBCore
import Foundation
import Testing

@Suite("Row.decode")
struct RowDecodingTests {
    enum Status: String, Decodable { case active, retired }
    enum Priority: Int, Decodable { case low = 1, high = 2 }

    struct Item: Decodable, Equatable {
        var id: Int
        var name: String
        var quantity: Int16
        var price: Decimal
        var note: String?
        var added: Date?
        var status: Status
        var priority: Priority?
        var tag: UUID?
    }

    let tag = UUID()

    var fullRow: Row {
        makeRow([
            "ID": .int(7), "name": .string("banana"), "Quantity": .int(150), "price": .decimal(SQLDecimal("0.25")!),
            "note": .null, "status": .string("active"), "priority": .int(2), "tag": .uuid(tag),
            "extra": .string("ignored"),
        ])
    }

    @Test func decodesByNameCaseInsensitively() throws {
        let item = try fullRow.decode(Item.self)
        #expect(
            item
                == Item(
                    id: 7, name: "banana", quantity: 150, price: Decimal(string: "0.25")!, note: nil,
                    added: nil, status: .active, priority: .high, tag: tag))
    }

    @Test func customCodingKeys() throws {
        struct Renamed: Decodable {
            var identifier: Int
            enum CodingKeys: String, CodingKey { case identifier = "item_id" }
        }
        #expect(try makeRow(["ITEM_ID": .int(3)]).decode(Renamed.self).identifier == 3)
    }

    @Test func fetchAllAsUsesTheSameDecoding() throws {
        struct Pair: Decodable, Equatable {
            var a: Int
            var b: String?
        }
        let rows = [makeRow(["a": .int(1), "b": .string("x")]), makeRow(["a": .int(2), "b": .null])]
        #expect(try rows.map { try $0.decode(Pair.self) } == [Pair(a: 1, b: "x"), Pair(a: 2, b: nil)])
    }

    @Test func missingColumnIsNamed() {
        expectMismatch(["no column named 'quantity'"]) {
            _ = try makeRow(["id": .int(1), "name": .string("x")]).decode(Item.self)
        }
    }

    @Test func nullIntoNonOptionalNamesTheColumn() {
        expectMismatch(["column 'name'", "NULL"]) {
            _ = try makeRow(["id": .int(1), "name": .null]).decode(Item.self)
        }
    }

    @Test func overflowNamesTheColumn() {
        expectMismatch(["column 'quantity'", "out of range"]) {
            _ = try makeRow(["id": .int(1), "name": .string("x"), "quantity": .int(70_000)]).decode(Item.self)
        }
    }

    @Test func badEnumRawValueNamesTheColumn() {
        expectMismatch(["column 'status'"]) {
            _ = try makeRow([
                "id": .int(1), "name": .string("x"), "quantity": .int(1), "price": .int(1), "status": .string("lost"),
            ]).decode(Item.self)
        }
    }

    @Test func nullIntoEnumNamesTheColumn() {
        expectMismatch(["column 'status'", "NULL"]) {
            _ = try makeRow([
                "id": .int(1), "name": .string("x"), "quantity": .int(1), "price": .int(1), "status": .null,
            ]).decode(Item.self)
        }
    }

    @Test func nestedStructsAreRejected() {
        struct Inner: Decodable { var x: Int }
        struct Outer: Decodable { var inner: Inner }
        expectMismatch(["column 'inner'"]) { _ = try makeRow(["inner": .int(1)]).decode(Outer.self) }
    }

    @Test func unkeyedTypesAreRejected() {
        expectMismatch(["keyed"]) { _ = try makeRow(["a": .int(1)]).decode([Int].self) }
    }
}
