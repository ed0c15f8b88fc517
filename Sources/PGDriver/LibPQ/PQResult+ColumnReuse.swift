import CLibPQ
import DBCore
import Foundation

/// A result set's column descriptions and decoders, with what they were built from (type modifiers), so that
/// the next result with the same columns (the same statement run again) reuses them instead of building the
/// descriptions, the name index and the decoders again.
struct PQDescribedColumns {
    /// The descriptions and name index rows share.
    let columns: RowColumns
    /// One decoder per column.
    let decoders: [PQColumnDecoder]
    /// Whether each column arrives in binary format.
    let binary: [Bool]
    /// Each column's type modifier (`PQfmod`), which the descriptions only hold in derived form.
    let typmods: [Int32]
}

extension PQResult {
    /// This result's columns: `previous` when they are the same (names, types, modifiers, formats, source
    /// columns), else described afresh.
    func describedColumns(reusing previous: PQDescribedColumns?) -> PQDescribedColumns {
        if let previous, hasColumns(of: previous) { return previous }
        let (columns, decoders, binary) = describeColumns()
        let typmods = (0..<PQnfields(pointer)).map { PQfmod(pointer, $0) }
        return PQDescribedColumns(columns: columns, decoders: decoders, binary: binary, typmods: typmods)
    }

    /// Whether this result has exactly the columns `described` was built from.
    private func hasColumns(of described: PQDescribedColumns) -> Bool {
        let descriptions = described.columns.descriptions
        let count = Int(PQnfields(pointer))
        guard count == descriptions.count else { return false }
        for index in 0..<count {
            let column = Int32(index)
            let description = descriptions[index]
            guard Int(PQftype(pointer, column)) == description.nativeTypeID,
                PQfmod(pointer, column) == described.typmods[index],
                (PQfformat(pointer, column) == 1) == described.binary[index],
                Int(PQftable(pointer, column)) == description.sourceTableID ?? 0,
                Int(PQftablecol(pointer, column)) == description.sourceColumnNumber ?? 0,
                let name = PQfname(pointer, column),
                description.name.withCString({ strcmp($0, name) == 0 })
            else { return false }
        }
        return true
    }
}
