import DBCore

/// Prepared statements by handle: `sp_prepare`, `sp_execute`, `sp_unprepare` as RPCs.
///
/// `sp_prepare` (not `sp_prepexec`) so that the handle is read before any row of the statement: DB-Library hands
/// out OUTPUT parameters (`dbretdata`) only once every result of the RPC has been read, so with `sp_prepexec` a
/// caller that abandons the rows would make the driver lose the handle, which then stays allocated on the server
/// until the session ends. `sp_prepare` returns nothing but the handle (and, on SQL Server, the columns'
/// metadata), read to the end here.
extension DBLibHandle {
    /// Prepares `sql` with the parameter declarations `declarations` (`sp_prepare`) and returns the server's handle.
    /// Throws the statement's error (syntax, unknown object) as running it would. `statement` is the caller's SQL
    /// for errors.
    func prepare(_ sql: String, declarations: String, statement: String) throws -> Int32 {
        let parameters = [
            RPCParameter(name: nil, value: Self.nullHandle, isOutput: true),
            RPCParameter(name: nil, value: MSSQLParameterEncoder.string(declarations)),
            RPCParameter(name: nil, value: MSSQLParameterEncoder.string(sql)),
        ]
        try sendRPC("sp_prepare", parameters, statement: statement)
        try drain(statement: statement)
        let returned = try returnValues(statement: statement)
        guard case .int(let value)? = returned.outputs.first?.value, let handle = Int32(exactly: value) else {
            throw DatabaseError(
                kind: .other, message: "sp_prepare returned no statement handle", statement: statement)
        }
        return handle
    }

    /// Sends `sp_execute` of prepared statement `handle` with the statement's encoded arguments (positional, in
    /// the order of the declarations); it becomes the statement in flight, whose results the caller reads.
    func sendExecute(_ handle: Int32, _ arguments: [EncodedParameter], statement: String) throws {
        var parameters = [RPCParameter(name: nil, value: Self.handle(handle))]
        parameters.reserveCapacity(arguments.count + 1)
        for argument in arguments { parameters.append(RPCParameter(name: nil, value: argument)) }
        try sendRPC("sp_execute", parameters, statement: statement, sendsStatement: false, preparedHandle: handle)
    }

    /// Drops prepared statements on the server (`sp_unprepare`, one RPC each), best effort: a handle the server no
    /// longer knows (error 8179) is already gone, and any other error only leaves the handle allocated until the
    /// session ends, so neither fails the statement that comes next. Throws only when the connection is lost.
    func unprepare(_ handles: [Int32]) throws {
        for handle in handles {
            do {
                try sendRPC("sp_unprepare", [RPCParameter(name: nil, value: Self.handle(handle))], statement: nil)
                try drain(statement: nil)
            } catch let error as DatabaseError where error.kind == .connectionLost {
                throw error
            } catch {
                continue
            }
        }
    }

    /// SQL Server's "Could not find prepared statement with handle %d".
    static let unknownHandleError = 8179

    /// Reads the results of the statement in flight to their end, discarding rows.
    private func drain(statement: String?) throws {
        while true {
            switch try nextResult(statement: statement) {
            case .rows: try discardRows(statement: statement)
            case .done: continue
            case .end: return
            }
        }
    }

    /// A statement handle as an `INT` argument.
    private static func handle(_ value: Int32) -> EncodedParameter {
        EncodedParameter(
            type: TDSTypeCode.int4, bytes: withUnsafeBytes(of: value.littleEndian) { Array($0) }, declaration: "INT")
    }

    /// The `INT OUTPUT` argument `sp_prepare` writes the handle into.
    private static let nullHandle = EncodedParameter(type: TDSTypeCode.int4, bytes: nil, declaration: "INT")
}
