import DBCore

extension PostgresSessionEngine {
    /// `INSERT BULK table (…)`: checks that the table exists and remembers it for the bulk-load message that
    /// follows (its DONE tells the client to send the rows).
    func prepareBulkLoad(
        _ target: BulkLoadTarget, line: Int, context: ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws {
        let ok: Void? = try guarded(line: line, verb: "INSERT", emit: emit) {
            let cursor = try connection.cursor()
            defer { cursor.close() }
            try cursor.execute(
                BoundStatement(sql: "SELECT to_regclass($1) IS NOT NULL", parameters: [.string(target.table)]))
            guard case .bool(true)? = try cursor.fetchOne()?.values.first else {
                throw SQLServerMessage(
                    number: 208, severity: 16, message: "Invalid object name '\(target.displayName)'.")
            }
        }
        guard ok != nil else { return }
        state.pendingBulkLoad = target
        state.lastError = 0
        try emit(.statementDone(rowCount: nil, inProcedure: context.inProcedure))
    }
}
