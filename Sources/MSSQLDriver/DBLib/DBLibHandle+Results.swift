import CSybDB
import DBCore

extension DBLibHandle {
    /// Moves to the next result (`dbresults`) and describes it.
    func nextResult(statement: String?) throws -> ResultStep {
        try waiting(statement: statement, timed: true) { dbproc in
            switch dbresults(dbproc) {
            case SUCCEED:
                let count = Int(dbnumcols(dbproc))
                if count == 0 {
                    return .done(rowCount: dbiscount(dbproc) != 0 ? Int(dbcount(dbproc)) : nil)
                }
                defer { resultSetsDescribed += 1 }
                // The first result set of a prepared statement run again: its columns as last time, when they match.
                let preparedFirst = resultSetsDescribed == 0 ? executingHandle : nil
                if let preparedFirst, let shape = lastPreparedResult, shape.handle == preparedFirst,
                    shape.matches(dbproc, count: count)
                {
                    return .rows(shape.descriptions, types: shape.types)
                }
                var columns: [ColumnDescription] = []
                var types: [Int] = []
                columns.reserveCapacity(count)
                for index in 1...Int32(count) {
                    let type = Int(dbcoltype(dbproc, index))
                    types.append(type)
                    columns.append(describeColumn(dbproc, index, type: type))
                }
                if let preparedFirst {
                    lastPreparedResult = PreparedResultShape(
                        dbproc, handle: preparedFirst, descriptions: columns, types: types)
                }
                return .rows(columns, types: types)
            case NO_MORE_RESULTS:
                return .end
            default:
                throw DatabaseError(
                    kind: .other, message: "DB-Library could not read the results", statement: statement)
            }
        }
    }

    private func describeColumn(_ dbproc: OpaquePointer, _ index: Int32, type: Int) -> ColumnDescription {
        let name = dbcolname(dbproc, index).map { String(cString: $0) } ?? ""
        let (family, bindName) = TDSTypeCode.describe(type)
        let server = serverColumnInfo(dbproc, index)
        let typeName = server.flatMap { TDSTypeCode.serverTypeName($0.type) } ?? bindName
        var precision: Int?
        var scale: Int?
        if let info = dbcoltypeinfo(dbproc, index) {
            switch family {
            case .decimal, .money:
                precision = Int(info.pointee.precision)
                scale = Int(info.pointee.scale)
            case .time, .timestamp, .timestampTZ:
                if type != TDSTypeCode.datetime && type != TDSTypeCode.datetime4 {
                    scale = Int(info.pointee.scale)
                    precision = scale
                }
            default:
                break
            }
        }
        var size: Int?
        if family == .string || family == .bytes {
            let length = Int(dbcollen(dbproc, index))
            if length > 0 && length < 0x3FFF_FFFF { size = length }
        }
        var description = ColumnDescription(
            name: name, type: family, nativeTypeName: typeName, nativeTypeID: type, size: size, precision: precision,
            scale: scale)
        description.isNullable = server?.nullable
        return description
    }

    /// The column's type as the server declared it (`dbtablecolinfo` with a `DBCOL2`): DB-Library's `dbcoltype`
    /// reports every character type as `SYBCHAR` (FreeTDS converts them to the client charset), but `ServerType`
    /// keeps the TDS type the server sent (NVARCHAR 231, VARCHAR 167, NCHAR 239, …).
    private func serverColumnInfo(_ dbproc: OpaquePointer, _ index: Int32) -> (type: Int, nullable: Bool)? {
        var info = DBCOL2()
        info.SizeOfStruct = DBINT(MemoryLayout<DBCOL2>.size)
        let status = withUnsafeMutablePointer(to: &info) { pointer in
            pointer.withMemoryRebound(to: DBCOL.self, capacity: 1) { dbtablecolinfo(dbproc, DBINT(index), $0) }
        }
        guard status == SUCCEED else { return nil }
        return (Int(info.ServerType), info.Null != 0)
    }

    /// Reads the next row of the current result set (`dbnextrow`), or `nil` at its end.
    func nextRow(types: [Int], statement: String?) throws -> [SQLValue]? {
        try waiting(statement: statement) { dbproc in
            guard try Self.nextRowInPlace(dbproc, statement: statement) else { return nil }
            return try Self.decodeCurrentRow(dbproc, types: types)
        }
    }

    /// The OUTPUT parameter values and the return status of the finished RPC (`dbnumrets`, `dbretdata`,
    /// `dbretstatus`). Call after `dbresults` returned NO_MORE_RESULTS.
    func returnValues(statement: String?) throws -> (outputs: [(name: String, value: SQLValue)], status: Int?) {
        let dbproc = try live(statement)
        var outputs: [(name: String, value: SQLValue)] = []
        let count = dbnumrets(dbproc)
        if count > 0 {
            for index in 1...count {
                let name = dbretname(dbproc, index).map { String(cString: $0) } ?? ""
                let type = Int(dbrettype(dbproc, index))
                let length = Int(dbretlen(dbproc, index))
                let raw = dbretdata(dbproc, index).map { UnsafeRawBufferPointer(start: $0, count: max(length, 0)) }
                outputs.append((name, try MSSQLValueDecoder.decode(type: type, raw: length < 0 ? nil : raw)))
            }
        }
        let status = dbhasretstat(dbproc) != 0 ? Int(dbretstatus(dbproc)) : nil
        return (outputs, status)
    }
}

extension DBLibHandle {
    /// Discards the rest of the current result set (`dbcanquery`).
    func discardRows(statement: String?) throws {
        try waiting(statement: statement) { dbproc in
            _ = dbcanquery(dbproc)
        }
    }

    /// Runs a batch and reads every result to the end, discarding rows: for session commands.
    func runToEnd(_ sql: String) throws {
        try sendBatch(sql)
        while true {
            switch try nextResult(statement: sql) {
            case .rows: try discardRows(statement: sql)
            case .done: continue
            case .end: return
            }
        }
    }
}
