import DBCore
import PGDriver

extension PostgresSessionEngine {
    /// How many rows are read from PostgreSQL per round before they are emitted.
    static let fetchBatchSize = 500

    /// The values for a query's `$n` placeholders, from the request's variables and the engine-tracked values.
    func parameterValues(_ query: PostgresQuery, context: ExecutionContext) -> [SQLValue] {
        query.parameters.map { reference in
            switch reference.name {
            case "@@rowcount": return .int(Int64(state.rowCount))
            case "@@trancount": return .int(Int64(state.tranCount))
            case "@@db_name": return .string(state.database)
            case "@@error": return .int(Int64(state.lastError))
            case "@@error_number": return context.caught.map { .int(Int64($0.number)) } ?? .null
            case "@@error_severity": return context.caught.map { .int(Int64($0.severity)) } ?? .null
            case "@@error_state": return context.caught.map { .int(Int64($0.state)) } ?? .null
            case "@@error_line": return context.caught.map { .int(Int64($0.line)) } ?? .null
            case "@@error_message": return context.caught.map { .string($0.message) } ?? .null
            case "@@error_procedure": return context.caught.map { .string($0.procedure) } ?? .null
            case "@@xact_state": return .int(state.tranCount == 0 ? 0 : state.transactionDoomed ? -1 : 1)
            default:
                let value = ResultTyping.convert(context.values[reference.name] ?? .null, to: reference.type)
                // datetimeoffset goes as text so that its offset survives (`tds_sandbox.dto(text)`).
                if case .datetimeoffset = reference.type, case .timestampTZ(let timestamp) = value {
                    return .string(timestamp.description)
                }
                return value
            }
        }
    }

    /// Runs one PostgreSQL statement, emitting its result set (if any) as it streams in; returns the number of
    /// rows it returned or affected.
    func runQuery(
        _ query: PostgresQuery, kind: QueryKind, context: ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws -> Int {
        let connection = self.connection
        if emitsRowViews, fetchesInBatches, kind == .select, query.parameters.isEmpty,
            Self.isPlainSelect(query.sql), let postgres = connection as? PGConnection
        {
            return try runBatchedSelect(query, on: postgres, emit: emit)
        }
        if kind == .select || !query.columns.isEmpty {
            try SandboxCatalog.refresh(&state.catalog, on: connection)
        }
        let cursor = try streamingCursor(on: connection)
        defer { cursor.close() }
        try cursor.execute(BoundStatement(sql: query.sql, parameters: parameterValues(query, context: context)))
        guard let descriptions = cursor.columns else { return max(cursor.rowCount, 0) }
        if emitsRowViews, let postgres = cursor as? PGCursor {
            var rows = SingleRowViews(cursor: postgres)
            let count = try streamRowViews(&rows, descriptions: descriptions, query: query, emit: emit)
            if kind == .dml, cursor.rowCount >= 0 { return cursor.rowCount }
            return count
        }
        var batch = try cursor.fetchMany(Self.fetchBatchSize)
        let columns = try ResultTyping.columns(
            descriptions, output: query.columns, catalog: state.catalog, sampleRows: batch)
        try emit(.columns(columns))
        var count = 0
        while !batch.isEmpty {
            for row in batch {
                var values: [SQLValue] = []
                values.reserveCapacity(columns.count)
                for (index, column) in columns.enumerated() {
                    values.append(ResultTyping.convert(row.values[index], to: column.type))
                }
                try emit(.row(values))
                count += 1
            }
            guard batch.count == Self.fetchBatchSize else { break }
            if cancelRequested { throw DatabaseError(kind: .cancelled, message: "cancelled by the client") }
            batch = try cursor.fetchMany(Self.fetchBatchSize)
        }
        if kind == .dml, cursor.rowCount >= 0 { return cursor.rowCount }
        return count
    }

    /// Runs a statement for its effect only (no events, no count).
    func runSilently(_ sql: String, parameters: [SQLValue] = []) throws {
        let cursor = try connection.cursor()
        defer { cursor.close() }
        try cursor.execute(BoundStatement(sql: sql, parameters: parameters))
    }

    /// Runs a query and returns its first row's values (for conditions, assignments, PRINT).
    func fetchValues(_ query: PostgresQuery, context: ExecutionContext, lastRow: Bool = false) throws -> [SQLValue]? {
        let cursor = try connection.cursor()
        defer { cursor.close() }
        try cursor.execute(BoundStatement(sql: query.sql, parameters: parameterValues(query, context: context)))
        guard cursor.columns != nil else { return nil }
        if !lastRow { return try cursor.fetchOne()?.values }
        var last: [SQLValue]?
        while let row = try cursor.fetchOne() { last = row.values }
        return last
    }
}
