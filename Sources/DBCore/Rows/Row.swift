/// The columns of one result set, shared by all of its rows.
///
/// Looking a column up by name scans the descriptions when there are few of them (cheaper than building a hash
/// index for every result set, which a point query would pay on each run); wide results get a hash index, built
/// once here.
public final class RowColumns: Sendable {
    /// The column descriptions, in result order.
    public let descriptions: [ColumnDescription]
    /// Up to this many columns, names are found by scanning.
    private static let scanLimit = 16
    private let indexByName: [String: Int]
    private let indexByLowercasedName: [String: Int]

    /// Creates the shared column set of a result.
    public init(_ descriptions: [ColumnDescription]) {
        self.descriptions = descriptions
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        if descriptions.count > Self.scanLimit {
            exact.reserveCapacity(descriptions.count)
            folded.reserveCapacity(descriptions.count)
            for (index, column) in descriptions.enumerated() {
                if exact[column.name] == nil { exact[column.name] = index }
                let lower = column.name.lowercased()
                if folded[lower] == nil { folded[lower] = index }
            }
        }
        self.indexByName = exact
        self.indexByLowercasedName = folded
    }

    /// The number of columns.
    public var count: Int { descriptions.count }

    /// The index of the first column with this name: an exact match first, then a case-insensitive one.
    public func index(of name: String) -> Int? {
        guard descriptions.count <= Self.scanLimit else {
            return indexByName[name] ?? indexByLowercasedName[name.lowercased()]
        }
        if let exact = descriptions.firstIndex(where: { $0.name == name }) { return exact }
        let lower = name.lowercased()
        return descriptions.firstIndex { $0.name.lowercased() == lower }
    }
}

/// One row of a result: its values in column order, and the result's columns.
///
/// Rows own their values and are `Sendable`; they stay valid after the cursor moves on or closes.
public struct Row: Sendable, RandomAccessCollection {
    /// The result's columns.
    public let columns: RowColumns
    /// The values, one per column, in column order.
    public let values: [SQLValue]

    /// Creates a row. `values` must have one value per column.
    public init(columns: RowColumns, values: [SQLValue]) {
        precondition(columns.count == values.count, "a row needs one value per column")
        self.columns = columns
        self.values = values
    }

    /// The first column index, 0.
    public var startIndex: Int { 0 }
    /// One past the last column index.
    public var endIndex: Int { values.count }

    /// The value of the column at `index`.
    @inlinable
    public subscript(index: Int) -> SQLValue { values[index] }

    /// The value of the column named `name` (exact, then case-insensitive match), or `nil` if there is none.
    public subscript(name: String) -> SQLValue? {
        columns.index(of: name).map { values[$0] }
    }

    /// The value at `index`, converted to `T`.
    public func get<T: SQLValueDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard values.indices.contains(index) else {
            throw DatabaseError.misuse("column index \(index) is out of range; the row has \(values.count) columns")
        }
        return try T(sqlValue: values[index])
    }

    /// The value of the column named `name`, converted to `T`.
    public func get<T: SQLValueDecodable>(_ type: T.Type = T.self, _ name: String) throws -> T {
        guard let index = columns.index(of: name) else {
            throw DatabaseError.misuse("no column named '\(name)'; the columns are \(columns.descriptions.map(\.name))")
        }
        return try T(sqlValue: values[index])
    }
}
