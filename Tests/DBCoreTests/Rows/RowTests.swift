import DBCore
import Testing

/// A row with the given column names and values (types are irrelevant to these tests).
func makeRow(_ pairs: KeyValuePairs<String, SQLValue>) -> Row {
    let columns = RowColumns(
        pairs.map {
            ColumnDescription(name: $0.key, type: .other, nativeTypeName: "unknown", nativeTypeID: 0)
        })
    return Row(columns: columns, values: pairs.map(\.value))
}

@Suite("Row subscripts and get")
struct RowTests {
    let row = makeRow([
        "id": .int(1), "Name": .string("banana"), "name": .string("second"), "QTY": .int(150),
        "note": .null,
    ])

    @Test func collection() {
        #expect(row.count == 5)
        #expect(row.startIndex == 0)
        #expect(row.endIndex == 5)
        #expect(Array(row) == [.int(1), .string("banana"), .string("second"), .int(150), .null])
        #expect(row[3] == .int(150))
        #expect(row.columns.count == 5)
    }

    @Test func byName() {
        #expect(row["id"] == .int(1))
        // Exact matches win over case-insensitive ones; the first of equal names wins.
        #expect(row["Name"] == .string("banana"))
        #expect(row["name"] == .string("second"))
        #expect(row["NAME"] == .string("banana"))
        #expect(row["qty"] == .int(150))
        #expect(row["note"] == .null)
        #expect(row["missing"] == nil)
        #expect(row.columns.index(of: "Qty") == 3)
        #expect(row.columns.index(of: "nope") == nil)
    }

    @Test func typedGet() throws {
        #expect(try row.get(Int.self, at: 0) == 1)
        #expect(try row.get(String.self, "name") == "second")
        #expect(try row.get(Int16.self, "qty") == 150)
        #expect(try row.get(String?.self, "note") == nil)
        let quantity: Int = try row.get("QTY")
        #expect(quantity == 150)
    }

    @Test func typedGetErrors() {
        do {
            _ = try row.get(Int.self, at: 5)
            Issue.record("expected an error")
        } catch let error as DatabaseError {
            #expect(error.kind == .misuse)
            #expect(error.message.contains("5"))
        } catch { Issue.record("\(error)") }
        do {
            _ = try row.get(Int.self, "missing")
            Issue.record("expected an error")
        } catch let error as DatabaseError {
            #expect(error.kind == .misuse)
            #expect(error.message.contains("'missing'"))
        } catch { Issue.record("\(error)") }
        expectMismatch(["NULL", "Int"]) { _ = try row.get(Int.self, "note") }
        expectMismatch(["string", "Int"]) { _ = try row.get(Int.self, "name") }
    }
}
