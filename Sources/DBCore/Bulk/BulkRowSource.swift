/// Where a bulk copy pulls its rows from, one at a time: each row has one value per column.
///
/// ``BulkValueRows`` wraps any `Sequence` of `[SQLValue]` and ``BulkEncodedRows`` any `Sequence` of `Encodable`
/// rows; conform your own type to stream rows from elsewhere (a file, a cursor) without building a sequence.
public protocol BulkRowSource {
    /// The next row, or `nil` after the last. Throwing stops the copy (the current batch is rolled back).
    mutating func nextRow() throws -> [SQLValue]?
}

/// The rows of a `Sequence` of value rows, pulled lazily.
///
/// Inlinable, so that a driver's inlinable entry point can pull rows through code specialised for `Base`.
public struct BulkValueRows<Base: Sequence>: BulkRowSource where Base.Element == [SQLValue] {
    @usableFromInline var iterator: Base.Iterator

    /// Wraps `rows`; nothing is read until the copy pulls the first row.
    @inlinable
    public init(_ rows: Base) { self.iterator = rows.makeIterator() }

    /// The sequence's next row.
    @inlinable
    public mutating func nextRow() -> [SQLValue]? { iterator.next() }
}

/// The rows of a `Sequence` of `Encodable` values, each encoded by coding key with ``BulkRowEncoder`` as it is
/// pulled.
public struct BulkEncodedRows<Base: Sequence>: BulkRowSource where Base.Element: Encodable {
    private var iterator: Base.Iterator
    private let encoder: BulkRowEncoder

    /// Wraps `rows`, whose coding keys name `columns`.
    public init(_ rows: Base, columns: [String]) {
        self.iterator = rows.makeIterator()
        self.encoder = BulkRowEncoder(columns: columns)
    }

    /// The next row's values in column order; throws ``DatabaseError/Kind/typeMismatch`` when it cannot be
    /// encoded.
    public mutating func nextRow() throws -> [SQLValue]? {
        guard let row = iterator.next() else { return nil }
        return try encoder.values(of: row)
    }
}
