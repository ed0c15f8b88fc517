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
        let box = BulkIteratorBox(rows.makeIterator())
        self.pull = { box.iterator.next() }
    }

    /// The sequence's next row.
    @inlinable
    public mutating func nextRow() -> [SQLValue]? { pull() }
}

/// The iterator a ``BulkIteratorRows`` closure advances. Only the copying thread touches it, one row at a time, so
/// the per-access exclusivity check a captured `var` would pay on every row is switched off.
@usableFromInline
final class BulkIteratorBox<Iterator: IteratorProtocol> {
    @usableFromInline @exclusivity(unchecked) var iterator: Iterator

    @inlinable
    init(_ iterator: Iterator) { self.iterator = iterator }
}
