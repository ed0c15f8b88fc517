/// The rows of a `Sequence` of value rows, pulled through a closure made where the sequence's type is known.
///
/// A driver reached through `any BulkCopying` runs its generic `bulkInsert` unspecialised, so pulling from a
/// generic ``BulkValueRows`` there goes through the standard library's unspecialised iterators (metadata lookups
/// and witness calls for every row). This source is not generic: its inlinable initialiser builds the closure in
/// the caller's module, specialised for the caller's sequence, and each row costs one closure call.
public struct BulkIteratorRows: BulkRowSource {
    @usableFromInline let pull: () -> [SQLValue]?

    /// Wraps `rows`; nothing is read until the copy pulls the first row.
    @inlinable
    public init<Base: Sequence>(_ rows: Base) where Base.Element == [SQLValue] {
        var iterator = rows.makeIterator()
        self.pull = { iterator.next() }
    }

    /// The sequence's next row.
    @inlinable
    public mutating func nextRow() -> [SQLValue]? { pull() }
}
