import DBCore
import Testing

@Suite("RowColumns name lookup, narrow (scanned) and wide (hashed)")
struct RowColumnsLookupTests {
    private func columns(_ names: [String]) -> RowColumns {
        RowColumns(names.map { ColumnDescription(name: $0, type: .other, nativeTypeName: "unknown", nativeTypeID: 0) })
    }

    @Test("both ways find the first exact match, then the first case-insensitive one", arguments: [0, 30])
    func sameAnswers(padding: Int) {
        let names = (0..<padding).map { "pad\($0)" } + ["id", "Name", "name", "QTY", "Straße", "dup", "dup"]
        let set = columns(names)
        #expect(set.count == names.count)
        #expect(set.index(of: "id") == padding)
        #expect(set.index(of: "Name") == padding + 1)
        #expect(set.index(of: "name") == padding + 2)
        #expect(set.index(of: "NAME") == padding + 1)
        #expect(set.index(of: "qty") == padding + 3)
        #expect(set.index(of: "STRASSE") == nil)
        #expect(set.index(of: "straße") == padding + 4)
        #expect(set.index(of: "dup") == padding + 5)
        #expect(set.index(of: "missing") == nil)
        #expect(set.index(of: "") == nil)
    }
}
