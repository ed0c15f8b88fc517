import CLibPQ
import DBCore
import Foundation

/// A result set's column descriptions and decoders, with what they were built from in plain values (types,
/// modifiers, formats, source columns and the names' bytes), so that the next result with the same columns (the
/// same statement run again) reuses them instead of building the descriptions, the name index and the decoders
/// again, and tells that it may without touching a `String`. A class: a cursor keeps it from one statement to the
/// next, and passing it around costs one reference count, not one per array.
final class PQDescribedColumns {
    /// The descriptions and name index rows share.
    let columns: RowColumns
    /// One decoder per column.
    let decoders: [PQColumnDecoder]
    /// Whether each column arrives in binary format.
    let binary: [Bool]
    /// Each column as libpq describes it.
    let signatures: [PQColumnSignature]
    /// The column names as libpq gave them, each NUL-terminated, back to back.
    let names: [CChar]

    init(
        columns: RowColumns, decoders: [PQColumnDecoder], binary: [Bool], signatures: [PQColumnSignature],
        names: [CChar]
    ) {
        self.columns = columns
        self.decoders = decoders
        self.binary = binary
        self.signatures = signatures
        self.names = names
    }
}

/// One column of a result as libpq describes it, in plain values that compare cheaply.
struct PQColumnSignature: Equatable {
    /// `PQftype`.
    var type: UInt32
    /// `PQfmod`.
    var typmod: Int32
    /// `PQftable`.
    var table: UInt32
    /// `PQftablecol`.
    var tableColumn: Int32
    /// `PQfformat`.
    var format: Int32

    /// Column `column` of `result`.
    init(_ result: OpaquePointer, _ column: Int32) {
        type = PQftype(result, column)
        typmod = PQfmod(result, column)
        table = PQftable(result, column)
        tableColumn = PQftablecol(result, column)
        format = PQfformat(result, column)
    }
}

extension PQResult {
    /// This result's columns, described afresh (names, types, modifiers, formats, source columns kept for
    /// ``hasColumns(like:sameStatement:)``).
    func describedColumns() -> PQDescribedColumns {
        let (columns, decoders, binary) = describeColumns()
        let count = PQnfields(pointer)
        var names: [CChar] = []
        for column in 0..<count {
            if let name = PQfname(pointer, column) {
                names.append(contentsOf: UnsafeBufferPointer(start: name, count: strlen(name)))
            }
            names.append(0)
        }
        return PQDescribedColumns(
            columns: columns, decoders: decoders, binary: binary,
            signatures: (0..<count).map { PQColumnSignature(pointer, $0) }, names: names)
    }

    /// Whether `previous` describes this result's columns (names, types, modifiers, formats, source columns), so
    /// that a cursor keeps its columns across a repeated statement.
    ///
    /// `sameStatement`: `previous` describes a result of the prepared statement this result comes from (a name
    /// a connection never reuses, results always asked for in binary). The server then guarantees the names,
    /// types and modifiers: it re-plans a prepared statement after a schema change, and fails it with "cached plan
    /// must not change result type" rather than return other columns (PostgreSQL compares the result's tuple
    /// descriptors, names included). Only the source table and column numbers can change without an error (the
    /// table dropped and created again with the same columns), so only they are compared.
    func hasColumns(like previous: PQDescribedColumns, sameStatement: Bool) -> Bool {
        sameStatement ? hasSources(of: previous) : hasColumns(of: previous)
    }

    /// Whether this result's columns come from the same table columns as `described`'s, and as many.
    private func hasSources(of described: PQDescribedColumns) -> Bool {
        let count = Int(PQnfields(pointer))
        guard count == described.signatures.count else { return false }
        return described.signatures.withUnsafeBufferPointer { signatures in
            for index in 0..<count {
                let column = Int32(index)
                guard PQftable(pointer, column) == signatures[index].table,
                    PQftablecol(pointer, column) == signatures[index].tableColumn
                else { return false }
            }
            return true
        }
    }

    /// Whether this result has exactly the columns `described` was built from.
    private func hasColumns(of described: PQDescribedColumns) -> Bool {
        let count = Int(PQnfields(pointer))
        guard count == described.signatures.count else { return false }
        return described.signatures.withUnsafeBufferPointer { signatures in
            described.names.withUnsafeBufferPointer { names in
                var offset = 0
                for index in 0..<count {
                    let column = Int32(index)
                    guard PQColumnSignature(pointer, column) == signatures[index], let name = PQfname(pointer, column),
                        let stored = names.baseAddress.map({ $0 + offset }), strcmp(stored, name) == 0
                    else { return false }
                    offset += strlen(stored) + 1
                }
                return true
            }
        }
    }
}
