import DBCore
import PGDriver

extension PostgresSessionEngine {
    /// Streams a result set (its rows from `next`) as ``SandboxEvent/rowView(_:)`` events, each row read in place
    /// from libpq's buffers;
    /// returns the rows sent. As ``runQuery(_:kind:context:emit:)`` does for ``SandboxEvent/row(_:)``, the first
    /// ``fetchBatchSize`` rows are read before COLMETADATA goes out (an error among them comes before any token,
    /// and an unconstrained `numeric` column's scale comes from them), and a cancel is checked between batches.
    func streamRowViews(
        _ next: () throws -> PGRowView?, descriptions: [ColumnDescription], query: PostgresQuery,
        emit: (SandboxEvent) throws -> Void
    ) throws -> Int {
        var first: [PGRowView] = []
        while first.count < Self.fetchBatchSize, let view = try next() { first.append(view) }
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
            guard let view = try next() else { return count }
            try emit(.rowView(SandboxRowView(row: view, columns: columns)))
            count += 1
        }
    }
}
