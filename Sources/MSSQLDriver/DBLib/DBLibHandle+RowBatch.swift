import CSybDB
import DBCore

extension DBLibHandle {
    /// How a batch of rows ended.
    enum RowBatchEnd {
        /// `limit` rows were read; more may follow.
        case full
        /// The result set has no more rows.
        case endOfRows
    }

    /// Reads up to `limit` rows of the current result set (`dbnextrow`) into `rows`, decoded, in ONE wait: the
    /// cursor's per-row cost is then the decoding alone, not the bookkeeping of a DB-Library wait (the message
    /// collector's lock, the cancel and error checks) for every row.
    ///
    /// Rows decoded before an error stay in `rows` (an `inout` is written back when the call throws), so the
    /// caller can hand them out before the error, as a row-at-a-time reader would.
    func readRows(types: [Int], limit: Int, into rows: inout [[SQLValue]], statement: String?) throws -> RowBatchEnd {
        try waiting(statement: statement) { dbproc in
            let columns = Int32(types.count)
            while rows.count < limit {
                switch dbnextrow(dbproc) {
                case REG_ROW:
                    var values: [SQLValue] = []
                    values.reserveCapacity(types.count)
                    var column: Int32 = 1
                    while column <= columns {
                        let type = types[Int(column - 1)]
                        let raw = dbdata(dbproc, column).map {
                            UnsafeRawBufferPointer(start: $0, count: Int(dbdatlen(dbproc, column)))
                        }
                        values.append(try MSSQLValueDecoder.decode(type: type, raw: raw))
                        column += 1
                    }
                    rows.append(values)
                case NO_MORE_ROWS:
                    return .endOfRows
                case FAIL:
                    throw DatabaseError(kind: .other, message: "DB-Library could not read a row", statement: statement)
                default:
                    continue  // a COMPUTE row (status > 0) is not part of the regular result
                }
            }
            return .full
        }
    }
}

extension DBLibHandle {
    /// Makes the next regular row of the current result set DB-Library's current row (`dbnextrow`, COMPUTE rows
    /// skipped): `true`, or `false` when the result set has no more rows. Inside a wait (``waiting(statement:timed:startsStatement:_:)``),
    /// for a loop that reads rows in place (``MSSQLCursor/forEachRowView(_:)``).
    @inline(__always)
    static func nextRowInPlace(_ dbproc: OpaquePointer, statement: String?) throws -> Bool {
        while true {
            switch dbnextrow(dbproc) {
            case REG_ROW:
                return true
            case NO_MORE_ROWS:
                return false
            case FAIL:
                throw DatabaseError(kind: .other, message: "DB-Library could not read a row", statement: statement)
            default:
                continue  // a COMPUTE row (status > 0) is not part of the regular result
            }
        }
    }
}
