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
            while rows.count < limit {
                guard try Self.nextRowInPlace(dbproc, statement: statement) else { return .endOfRows }
                rows.append(try Self.decodeCurrentRow(dbproc, types: types))
            }
            return .full
        }
    }
}

extension DBLibHandle {
    /// DB-Library's current row decoded into values, one per column of DB-Library type code `types[i]`.
    @inline(__always)
    static func decodeCurrentRow(_ dbproc: OpaquePointer, types: [Int]) throws -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(types.count)
        var column: Int32 = 1
        for type in types {
            let raw = dbdata(dbproc, column).map {
                UnsafeRawBufferPointer(start: $0, count: Int(dbdatlen(dbproc, column)))
            }
            values.append(try MSSQLValueDecoder.decode(type: type, raw: raw))
            column += 1
        }
        return values
    }

    /// Makes the next regular row of the current result set DB-Library's current row (`dbnextrow`, COMPUTE rows
    /// skipped): `true`, or `false` when the result set has no more rows. Inside a wait
    /// (``waiting(statement:timed:startsStatement:_:)``).
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
