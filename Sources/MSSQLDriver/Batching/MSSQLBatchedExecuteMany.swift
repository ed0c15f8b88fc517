import DBCore
import SQLLexing

/// `executeMany` in few round trips: DB-Library cannot queue several RPCs (`dbrpcinit` refuses a second one
/// before `dbrpcsend`), so the parameter sets are sent as ONE `sp_executesql` call per chunk whose statement
/// repeats the SQL once per set, each copy with its parameters renumbered (`@P1, @P2` for set 0, `@P3, @P4` for
/// set 1, …). Values stay typed parameters; nothing is spliced into the SQL.
///
/// After each copy one `SELECT @__rows = @__rows + @@ROWCOUNT, @__done = n` adds `@@ROWCOUNT` to a counter that the
/// call returns as a one-row result at the end.
/// The copies run inside `BEGIN TRY … END TRY` with a counter set after each one, so the first failing set stops
/// the chunk (the later ones do not run) and the `CATCH` block names it before rethrowing the server's error
/// (`THROW`). A chunk holds at most ``maxParameters`` parameters and ``maxSets`` sets (SQL Server allows 2100
/// parameters per call).
enum MSSQLBatchedExecuteMany {
    /// The most parameters one call carries.
    static let maxParameters = 2000
    /// The most parameter sets one call carries.
    static let maxSets = 500
    /// The column name of the final result, which holds the chunk's total `@@ROWCOUNT` (DB-Library reports only
    /// the last statement's count of an RPC).
    static let rowsColumn = "__executemany_rows"
    /// The column name of the `CATCH` block's result, which holds the failing set's index within the chunk.
    static let failedSetColumn = "__executemany_failed_set"

    /// Runs `sql` once per parameter set on `handle`; returns the total affected-row count (`-1` when the
    /// server reported none). A failure is the server's error with `parameter set N failed: ` before its message.
    ///
    /// A plain `INSERT … VALUES (…)` takes ``MSSQLMultiRowExecuteMany`` instead (one multi-row INSERT per chunk,
    /// all-or-nothing per chunk); every other statement runs as described above.
    static func run(_ sql: String, parameterSets: [[SQLValue]], on handle: DBLibHandle) throws -> Int {
        // One lexer pass serves both shapes.
        let tokenizer = TSQLTokenizer(sql)
        if let insert = MSSQLMultiRowInsert(tokenizer) {
            try insert.row.checkSizes(parameterSets)
            return try MSSQLMultiRowExecuteMany.run(insert, sql: sql, parameterSets: parameterSets, on: handle)
        }
        let template = TSQLParameterRenumbering(tokenizer, range: 0..<sql.trimmingTrailingSemicolons().utf8.count)
        try template.checkSizes(parameterSets)
        var total = 0
        var known = false
        var start = 0
        while start < parameterSets.count {
            let width = max(parameterSets[start].count, 1)
            let count = min(parameterSets.count - start, maxSets, max(1, maxParameters / width))
            let chunk = parameterSets[start..<(start + count)]
            let (affected, reported) = try runChunk(sql: sql, template: template, sets: chunk, on: handle)
            total += affected
            known = known || reported
            start += count
        }
        return known ? total : -1
    }

    private static func runChunk(
        sql: String, template: TSQLParameterRenumbering, sets: ArraySlice<[SQLValue]>, on handle: DBLibHandle
    ) throws -> (Int, Bool) {
        var encoded: [EncodedParameter] = []
        var statement = "DECLARE @__done int = 0, @__rows bigint = 0;\nBEGIN TRY\n"
        for (position, set) in sets.enumerated() {
            let offset = encoded.count
            let values = try set.map(MSSQLParameterEncoder.encode)
            for (index, value) in values.enumerated() {
                if let literal = value.emptyLiteral { statement += "SET @P\(offset + index + 1) = \(literal);\n" }
            }
            let nulls = Set(values.indices.filter { values[$0].isNull }.map { $0 + 1 })
            statement +=
                template.render(offset: offset, nulls: nulls)
                + ";\nSELECT @__rows = @__rows + @@ROWCOUNT, @__done = \(position + 1);\n"
            encoded += values
        }
        statement +=
            "SELECT @__rows AS \(rowsColumn);\nEND TRY\nBEGIN CATCH\nSELECT @__done AS \(failedSetColumn);\nTHROW;\nEND CATCH"
        var parameters = [
            RPCParameter(name: "@stmt", value: MSSQLParameterEncoder.string(statement)),
            RPCParameter(
                name: "@params", value: MSSQLParameterEncoder.string(MSSQLParameterEncoder.declarations(encoded))),
        ]
        for (index, value) in encoded.enumerated() {
            parameters.append(RPCParameter(name: "@P\(index + 1)", value: value))
        }
        var total = 0
        var reported = false
        var failedSet: Int?
        do {
            try handle.sendRPC("sp_executesql", parameters, statement: sql)
            loop: while true {
                switch try handle.nextResult(statement: sql) {
                case .rows(let columns, let types):
                    let name = columns.first?.name
                    if name == failedSetColumn || name == rowsColumn,
                        let row = try handle.nextRow(types: types, statement: sql), case .int(let value) = row.first
                    {
                        if name == failedSetColumn { failedSet = Int(value) } else { total = Int(value) }
                        reported = reported || name == rowsColumn
                    }
                    try handle.discardRows(statement: sql)
                case .done:
                    continue
                case .end:
                    break loop
                }
            }
        } catch var error as DatabaseError {
            let index = sets.startIndex + (failedSet ?? 0)
            error.message = "parameter set \(index) failed: \(error.message)"
            throw error
        }
        return (total, reported)
    }
}

extension String {
    /// The string without trailing whitespace and semicolons.
    fileprivate func trimmingTrailingSemicolons() -> String {
        var end = endIndex
        while end > startIndex, let last = self[..<end].last, last == ";" || last.isWhitespace {
            end = index(before: end)
        }
        return String(self[..<end])
    }
}
