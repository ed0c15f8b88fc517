import DBCore
import Foundation
import Testing

@testable import TDSSandbox

@Suite("Engine: result column typing and value conversion")
struct EngineResultTypingTests {
    private func column(
        _ name: String, oid: Int, size: Int? = nil, precision: Int? = nil, scale: Int? = nil,
        table: Int? = nil, attnum: Int? = nil
    ) -> ColumnDescription {
        ColumnDescription(
            name: name, type: .other, nativeTypeName: "", nativeTypeID: oid, size: size, precision: precision,
            scale: scale, sourceTableID: table, sourceColumnNumber: attnum)
    }

    @Test func postgresTypesMapToSQLServerTypes() throws {
        let cases: [(ColumnDescription, TSQLType)] = [
            (column("a", oid: 23), .int), (column("a", oid: 20), .bigint), (column("a", oid: 21), .smallint),
            (column("a", oid: 16), .bit),
            (column("a", oid: 1700, precision: 12, scale: 2), .decimal(precision: 12, scale: 2)),
            (column("a", oid: 700), .real), (column("a", oid: 701), .float), (column("a", oid: 25), .nvarchar(nil)),
            (column("a", oid: 1043, size: 20), .nvarchar(20)), (column("a", oid: 1042, size: 3), .nchar(3)),
            (column("a", oid: 17), .varbinary(nil)), (column("a", oid: 1082), .date),
            (column("a", oid: 1083, precision: 3), .time(scale: 3)),
            (column("a", oid: 1114, precision: 6), .datetime2(scale: 6)),
            (column("a", oid: 1184), .datetimeoffset(scale: 7)), (column("a", oid: 2950), .uniqueidentifier),
        ]
        for (description, expected) in cases {
            #expect(try ResultTyping.postgresType(description, index: 0, sampleRows: []) == expected)
        }
    }

    @Test func unconstrainedNumericTakesTheLargestScale() throws {
        let columns = RowColumns([column("n", oid: 1700)])
        let rows = [
            Row(columns: columns, values: [.decimal(SQLDecimal("1.5")!)]),
            Row(columns: columns, values: [.decimal(SQLDecimal("-12.125")!)]),
        ]
        #expect(
            try ResultTyping.postgresType(column("n", oid: 1700), index: 0, sampleRows: rows)
                == .decimal(precision: 38, scale: 3))
    }

    @Test func namesComeFromTheClientsSpellingOrTheCatalog() throws {
        var catalog = CatalogCache()
        catalog.isLoaded = true
        catalog.columns[CatalogCache.Key(table: 100, column: 1)] = CatalogColumn(name: "CustomerID", type: .int)
        catalog.columns[CatalogCache.Key(table: 100, column: 2)] = CatalogColumn(name: "Price", type: .money)
        let descriptions = [
            column("customerid", oid: 23, table: 100, attnum: 1),
            column("price", oid: 1700, precision: 19, scale: 4, table: 100, attnum: 2),
        ]
        let star = try ResultTyping.columns(
            descriptions, output: [OutputColumn(name: nil, isStar: true)], catalog: catalog, sampleRows: [])
        #expect(star == [ResultColumn(name: "CustomerID", type: .int), ResultColumn(name: "Price", type: .money)])
        let named = try ResultTyping.columns(
            descriptions, output: [OutputColumn(name: "customerID"), OutputColumn(name: "Cost")], catalog: catalog,
            sampleRows: [])
        #expect(named.map(\.name) == ["customerID", "Cost"])
        #expect(named.map(\.type) == [.int, .money])
    }

    @Test func storedDateTimeOffsetsDecodeFromTextAndBinary() {
        let expected = SQLValue.timestampTZ(SQLTimestampTZ(iso: "2024-05-01 10:00:00+02:00")!)
        #expect(
            ResultTyping.convert(.string(#"("2024-05-01 08:00:00",120)"#), to: .datetimeoffset(scale: 7)) == expected)
        // Binary record: 2 fields; timestamp (oid 1114, 8 bytes) 2024-05-01 08:00:00 UTC; int2 (oid 21) 120.
        let micros = Int64(767_865_600_000_000)
        var bytes: [UInt8] = [0, 0, 0, 2, 0, 0, 0x04, 0x5A, 0, 0, 0, 8]
        bytes += withUnsafeBytes(of: micros.bigEndian) { Array($0) }
        bytes += [0, 0, 0, 21, 0, 0, 0, 2, 0, 120]
        #expect(ResultTyping.convert(.bytes(bytes), to: .datetimeoffset(scale: 7)) == expected)
        #expect(ResultTyping.convert(.bytes([1, 2, 3]), to: .datetimeoffset(scale: 7)) == .bytes([1, 2, 3]))
    }

    @Test func valuesConvertToTheDeclaredType() {
        #expect(ResultTyping.convert(.int(1), to: .bit) == .bool(true))
        #expect(ResultTyping.convert(.bool(true), to: .int) == .int(1))
        #expect(ResultTyping.convert(.int(7), to: .decimal(precision: 5, scale: 0)) == .decimal(SQLDecimal(7)))
        #expect(ResultTyping.convert(.bytes([1]), to: .binary(3)) == .bytes([1, 0, 0]))
        #expect(ResultTyping.convert(.int(42), to: .nvarchar(nil)) == .string("42"))
        #expect(
            ResultTyping.convert(.string("{6F9619FF-8B86-D011-B42D-00C04FC964FF}"), to: .uniqueidentifier)
                == .uuid(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!))
        #expect(ResultTyping.convert(.null, to: .int) == .null)
    }
}
