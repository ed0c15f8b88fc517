import DBCore
import PGDriver

extension PostgresSessionEngine {
    /// Streams a result set (its rows from `source`) as ``SandboxEvent/rowView(_:)`` events, each row read in place
    /// from libpq's buffers;
    /// returns the rows sent. As ``runQuery(_:kind:context:emit:)`` does for ``SandboxEvent/row(_:)``, the first
    /// ``fetchBatchSize`` rows are read before COLMETADATA goes out (an error among them comes before any token,
    /// and an unconstrained `numeric` column's scale comes from them), and a cancel is checked between batches.
    func streamRowViews<Source: RowViewSource>(
        _ source: inout Source, descriptions: [ColumnDescription], query: PostgresQuery,
        emit: (SandboxEvent) throws -> Void
    ) throws -> Int {
        var first: [PGRowView] = []
        while first.count < Self.fetchBatchSize, let view = try source.next() { first.append(view) }
        // Only a `numeric` column may need the sample rows (decoded as the SQLValue path decodes them).
        var samples: [Row] = []
        if descriptions.contains(where: { $0.nativeTypeID == 1700 }) {
            let sampleColumns = RowColumns(descriptions)
            for view in first {
                samples.append(Row(columns: sampleColumns, values: try (0..<view.count).map { try view.value($0) }))
            }
        }
        let columns = try ResultTyping.columns(
            descriptions, output: query.columns, catalog: state.catalog, sampleRows: samples)
        try emit(.columns(columns))
        for view in first {
            try emit(.rowView(SandboxRowView(row: view, columns: columns)))
        }
        var count = first.count
        guard count == Self.fetchBatchSize else { return count }
        while true {
            if count % Self.fetchBatchSize == 0, cancelRequested {
                throw DatabaseError(kind: .cancelled, message: "cancelled by the client")
            }
            guard let view = try source.next() else { return count }
            try emit(.rowView(SandboxRowView(row: view, columns: columns)))
            count += 1
        }
    }
}

/// Where ``PostgresSessionEngine/streamRowViews(_:descriptions:query:emit:)`` reads rows: a struct walked in
/// place (no closure, so no boxed state and no dynamic exclusivity check per row).
protocol RowViewSource {
    /// The next row, or `nil` at the end of the result set.
    mutating func next() throws -> PGRowView?
}

/// The rows of a streamed result (libpq single-row mode), one ``PGCursor/nextRowView()`` each.
struct SingleRowViews: RowViewSource {
    let cursor: PGCursor

    mutating func next() throws -> PGRowView? { try cursor.nextRowView() }
}
