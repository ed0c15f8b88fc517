import DBCore
import Foundation
import SQLKit

/// A DBCore ``DBCore/Row`` as an SQLKit `SQLRow`: columns are found by name (exact first, then ignoring case,
/// as ``DBCore/Row/decode(_:)`` does) and values decode by the same rules.
public struct DBSQLRow: SQLRow {
    /// The row underneath.
    public let row: Row

    /// Wraps a row.
    public init(_ row: Row) { self.row = row }

    /// The column names, in order.
    public var allColumns: [String] { row.columns.descriptions.map(\.name) }

    /// Whether the row has a column named `column`.
    public func contains(column: String) -> Bool { row.columns.index(of: column) != nil }

    /// Whether `column` is NULL or missing.
    public func decodeNil(column: String) throws -> Bool { (row[column] ?? .null).isNull }

    /// Decodes `column` as `D`.
    ///
    /// - Throws: ``DBCore/DatabaseError/Kind/typeMismatch`` naming the column when it is missing or its value does
    ///   not convert.
    public func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let value = row[column] else {
            throw DatabaseError.typeMismatch("no column named '\(column)'; the columns are \(allColumns)")
        }
        do {
            return try SQLValueDecoding.decode(D.self, from: value)
        } catch let error as DatabaseError {
            throw DatabaseError.typeMismatch("column '\(column)': \(error.message)")
        }
    }
}
