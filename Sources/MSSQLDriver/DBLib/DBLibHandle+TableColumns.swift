import CSybDB
import DBCore

extension DBLibHandle {
    /// The server's own type of each column of the current result set (`dbtablecolinfo`'s `DBCOL2.ServerType`):
    /// `dbcoltype` reports NVARCHAR as SYBCHAR, and bulk copy must know which columns take UCS-2.
    private func serverTypes(count: Int) throws -> [Int] {
        let dbproc = try live(nil)
        return (0..<count).map { index in
            var column = DBCOL2()
            column.SizeOfStruct = DBINT(MemoryLayout<DBCOL2>.stride)
            let rc = withUnsafeMutablePointer(to: &column) { pointer in
                pointer.withMemoryRebound(to: DBCOL.self, capacity: 1) {
                    dbtablecolinfo(dbproc, DBINT(index + 1), $0)
                }
            }
            return rc == SUCCEED ? Int(column.ServerType) : 0
        }
    }

    /// The column names and server types of `table` (already quoted), from the metadata of
    /// `SELECT * FROM table WHERE 1 = 0`.
    func columnTypes(ofTable table: String) throws -> [(name: String, type: Int)] {
        let sql = "SELECT * FROM \(table) WHERE 1 = 0"
        try sendBatch(sql)
        var names: [(name: String, type: Int)] = []
        while true {
            switch try nextResult(statement: sql) {
            case .rows(let columns, let types):
                names = try zip(columns, serverTypes(count: types.count)).map { ($0.name, $1) }
                try discardRows(statement: sql)
            case .done: continue
            case .end: return names
            }
        }
    }
}
