import SQLKit

extension SQLServerDialect {
    /// The most row constructors one T-SQL `VALUES` list may hold.
    static let maxRowsPerInsert = 1000
    /// The most parameters one statement carries here (SQL Server allows 2,100 per call, some taken by
    /// `sp_executesql` itself).
    static let maxParametersPerStatement = 2000

    /// `insert` cut into inserts SQL Server accepts (at most ``maxRowsPerInsert`` rows and
    /// ``maxParametersPerStatement`` parameters each, counting every value as a parameter), or `nil` when it fits
    /// in one.
    static func chunks(of insert: SQLInsert) -> [SQLInsert]? {
        let perRow = max(1, insert.values.map(\.count).max() ?? 1)
        let rowsPerChunk = max(1, min(maxRowsPerInsert, maxParametersPerStatement / perRow))
        guard insert.values.count > rowsPerChunk else { return nil }
        return stride(from: 0, to: insert.values.count, by: rowsPerChunk).map { start in
            var chunk = insert
            chunk.values = Array(insert.values[start..<min(start + rowsPerChunk, insert.values.count)])
            return chunk
        }
    }
}
