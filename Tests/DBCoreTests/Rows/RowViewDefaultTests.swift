import Foundation
import Testing

@testable import DBCore

/// `RowView`'s defaults, through `Row` (a row is a view of itself), and the default `forEachRowView`.
@Suite("RowView defaults")
struct RowViewDefaultTests {
    let row: Row = {
        let columns = RowColumns(
            ["i", "b", "d", "n", "s", "j", "ts", "x"].map {
                ColumnDescription(name: $0, type: .other, nativeTypeName: "unknown", nativeTypeID: 0)
            })
        return Row(
            columns: columns,
            values: [
                .int(42), .bool(true), .double(1.5), .decimal(SQLDecimal("-12.50")!), .string("héllo 🌍"),
                .json("{\"a\":1}"), .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.5")!), .null,
            ])
    }()

    @Test("typed accessors convert as documented; NULL is nil; other types are a type mismatch")
    func accessors() throws {
        let view: any RowView = row
        #expect(try view.int64(at: 0) == 42)
        #expect(try view.int64(at: 1) == 1)
        #expect(try view.double(at: 0) == 42)
        #expect(try view.double(at: 2) == 1.5)
        #expect(try view.decimal(at: 0) == SQLDecimal(42))
        #expect(try view.decimal(at: 3) == SQLDecimal("-12.50"))
        #expect(try view.string(at: 4) == "héllo 🌍")
        #expect(try view.string(at: 5) == "{\"a\":1}")
        #expect(try view.withUTF8(at: 4) { Array($0) } == Array("héllo 🌍".utf8))
        #expect(try view.timestamp(at: 6) == SQLTimestamp(iso: "2024-02-29 13:45:30.5"))
        for index in 0..<7 { #expect(try !view.isNull(at: index)) }
        #expect(try view.isNull(at: 7))
        #expect(try view.int64(at: 7) == nil)
        #expect(try view.string(at: 7) == nil)
        #expect(try view.withUTF8(at: 7) { _ in 1 } == nil)
        #expect(try view.timestamp(at: 7) == nil)
        #expect(throws: DatabaseError.self) { try view.int64(at: 4) }
        #expect(throws: DatabaseError.self) { try view.string(at: 0) }
        #expect(throws: DatabaseError.self) { try view.timestamp(at: 2) }
        #expect(throws: DatabaseError.self) { try view.double(at: 3) }
        #expect(throws: DatabaseError.self) { try view.value(at: 8) }
        #expect(try view.get(Int.self, "I") == 42)
        #expect(try view.get(String.self, at: 4) == "héllo 🌍")
        #expect(try view.makeRow().values == row.values)
    }

    @Test("scaledDecimal: a decimal's digits and scale, integers at scale 0, NULL nil, too many digits a mismatch")
    func scaledDecimal() throws {
        let view: any RowView = row
        let negative = try view.scaledDecimal(at: 3)
        #expect(negative?.unscaled == -1250)
        #expect(negative?.scale == 2)
        let integer = try view.scaledDecimal(at: 0)
        #expect(integer?.unscaled == 42)
        #expect(integer?.scale == 0)
        #expect(try view.scaledDecimal(at: 7) == nil)
        #expect(throws: DatabaseError.self) { try view.scaledDecimal(at: 4) }
        let wide = SQLDecimal("123456789012345678901234.5")!
        #expect(throws: DatabaseError.self) { try RowViewConversion.scaled(wide, 0) }
        let largest = try RowViewConversion.scaled(SQLDecimal("-922337203685477580.7")!, 0)
        #expect(largest.unscaled == -Int64.max)
        #expect(largest.scale == 1)
        let small = try RowViewConversion.scaled(SQLDecimal("0.05")!, 0)
        #expect(small.unscaled == 5)
        #expect(small.scale == 2)
    }

    @Test("a type mismatch names the column and the value's kind, never the value")
    func mismatchMessage() {
        let error = RowViewConversion.mismatch(.string("secret text"), "an integer", 4)
        #expect(error.kind == .typeMismatch)
        #expect(!error.description.contains("secret"))
        #expect(error.description.contains("column 4"))
    }
}
