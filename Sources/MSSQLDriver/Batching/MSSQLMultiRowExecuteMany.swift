import DBCore

/// `executeMany` of a plain `INSERT … VALUES (…)` (``MSSQLMultiRowInsert``): each chunk of parameter sets goes
/// as ONE statement, `INSERT … VALUES (@P1, @P2), (@P3, @P4), …`, in one `sp_executesql` call. Values stay typed
/// parameters; NULLs are written as `NULL` and empty strings or binaries as `N''` / `0x` in their row, as
/// ``MSSQLParameterEncoder`` does for single statements.
///
/// A chunk holds at most ``maxRows`` rows (SQL Server's limit of row constructors in one `VALUES`) and
/// ``maxParameters`` parameters (SQL Server allows 2100 per call; see there why fewer), and only values that keep
/// each column's type (``MultiRowColumnTypes``: SQL Server gives a `VALUES` column one type for all its rows, so
/// mixing kinds would convert values); a set that does not fit starts the next chunk.
///
/// Semantics: a chunk is one statement, so it is all-or-nothing — when one of its rows fails (a duplicate key, a
/// conversion), none of the chunk's rows is inserted and the later chunks do not run; the rows of earlier chunks
/// stay (committed in autocommit mode, part of the open transaction otherwise). The error is the server's (its
/// number, kind and message kept) with `parameter sets A…B (one multi-row INSERT, none inserted) failed: ` before
/// the message, A and B being the 0-based indices of the chunk's first and last set.
enum MSSQLMultiRowExecuteMany {
    /// The most row constructors one `VALUES` may hold (SQL Server's limit).
    static let maxRows = 1000
    /// The most parameters one call carries besides `@stmt` and `@params`. SQL Server allows 2100 in all, but
    /// FreeTDS's `dbrpcparam` appends each parameter by walking the call's list, so a parameter costs more the more
    /// the call has: at 2098 that walk was a third of the client's instructions per row (callgrind), at 1000 the
    /// rate through the sandbox was as high or higher, with half the walk.
    static let maxParameters = 1000

    /// Runs `insert` for every parameter set on `handle`; returns the total inserted-row count (`-1` when the
    /// server reported none).
    static func run(
        _ insert: MSSQLMultiRowInsert, sql: String, parameterSets: [[SQLValue]], on handle: DBLibHandle
    )
        throws -> Int
    {
        var total = 0
        var known = false
        for chunk in chunks(parameterSets) {
            if let affected = try runChunk(insert, sql: sql, sets: parameterSets[chunk], on: handle) {
                total += affected
                known = true
            }
        }
        return known ? total : -1
    }

    /// The chunks `parameterSets` go in: consecutive ranges of at most ``maxRows`` sets and ``maxParameters``
    /// parameters whose values keep each column's type (``MultiRowColumnTypes``).
    static func chunks(_ parameterSets: [[SQLValue]]) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var start = 0
        while start < parameterSets.count {
            var end = start
            var parameters = 0
            var types = MultiRowColumnTypes()
            while end < parameterSets.count, end - start < maxRows,
                end == start || parameters + parameterSets[end].count <= maxParameters,
                types.admit(parameterSets[end]) || end == start
            {
                parameters += parameterSets[end].count
                end += 1
            }
            chunks.append(start..<end)
            start = end
        }
        return chunks
    }

    private static func runChunk(
        _ insert: MSSQLMultiRowInsert, sql: String, sets: ArraySlice<[SQLValue]>, on handle: DBLibHandle
    ) throws -> Int? {
        var encoded: [EncodedParameter] = []
        encoded.reserveCapacity(sets.count * (sets.first?.count ?? 0))
        var statement = UTF8TextBuilder(capacity: insert.head.utf8.count + sets.count * 40)
        statement.append(insert.head)
        for set in sets {
            let offset = encoded.count
            let values = try set.map(MSSQLParameterEncoder.encode)
            if offset > 0 { statement.append(", ") }
            insert.row.render(into: &statement, offset: offset) { number in
                guard number >= 1, number <= values.count else { return nil }
                let value = values[number - 1]
                return value.isNull ? "NULL" : value.emptyLiteral
            }
            encoded += values
        }
        // Positional arguments (`sp_executesql` takes `@stmt`, `@params` and the values in order): FreeTDS
        // converts every parameter name to UCS-2 through iconv, a sixth of the client's cost per row when named.
        var parameters = [
            RPCParameter(name: nil, value: MSSQLParameterEncoder.string(statement.text)),
            RPCParameter(name: nil, value: MSSQLParameterEncoder.string(MSSQLParameterEncoder.declarations(encoded))),
        ]
        parameters.reserveCapacity(encoded.count + 2)
        for value in encoded {
            parameters.append(RPCParameter(name: nil, value: value))
        }
        var affected: Int?
        do {
            try handle.sendRPC("sp_executesql", parameters, statement: sql)
            loop: while true {
                switch try handle.nextResult(statement: sql) {
                case .rows: try handle.discardRows(statement: sql)
                case .done(let count): if let count, count >= 0 { affected = count }
                case .end: break loop
                }
            }
        } catch var error as DatabaseError {
            let last = sets.endIndex - 1
            let range = sets.startIndex == last ? "parameter set \(last)" : "parameter sets \(sets.startIndex)…\(last)"
            error.message = "\(range) (one multi-row INSERT, none inserted) failed: \(error.message)"
            throw error
        }
        return affected
    }
}
