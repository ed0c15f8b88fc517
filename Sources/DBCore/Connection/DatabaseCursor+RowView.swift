extension DatabaseCursor {
    /// Calls `body` with each remaining row, fetched with ``fetchOne()`` (a ``Row`` is a view of itself): the
    /// default for drivers that do not read rows in place.
    public func forEachRowView(_ body: (any RowView) throws -> Void) throws {
        while let row = try fetchOne() { try body(row) }
    }
}
