import DBCore

/// The SQL Server type of an OUTPUT parameter that is sent without a value.
public enum MSSQLParameterType: Sendable, Hashable {
    /// `BIGINT`.
    case int
    /// `BIT`.
    case bool
    /// `FLOAT`.
    case double
    /// `DECIMAL(precision, scale)`.
    case decimal(precision: Int, scale: Int)
    /// `NVARCHAR(maxLength)`, at most 4000 characters.
    case string(maxLength: Int)
    /// `VARBINARY(maxLength)`, at most 8000 bytes.
    case bytes(maxLength: Int)
    /// `DATE`.
    case date
    /// `TIME(7)`.
    case time
    /// `DATETIME2(7)`.
    case timestamp
    /// `DATETIMEOFFSET(7)`.
    case timestampTZ
    /// `UNIQUEIDENTIFIER`.
    case uuid
}

/// A parameter of a stored procedure call: named (`@name`), an input value, and whether it is OUTPUT.
public struct MSSQLProcedureParameter: Sendable, Hashable {
    /// The parameter name, with its `@`.
    public var name: String
    /// The value sent (SQL NULL for an OUTPUT parameter given only a type).
    public var value: SQLValue
    /// The type to send a NULL OUTPUT parameter as.
    public var type: MSSQLParameterType?
    /// Whether the procedure returns a value through this parameter.
    public var isOutput: Bool

    /// An input parameter.
    public static func input(_ name: String, _ value: SQLValue) -> MSSQLProcedureParameter {
        MSSQLProcedureParameter(name: name, value: value, type: nil, isOutput: false)
    }

    /// An input/output parameter whose input is `value` (its type is the value's).
    public static func output(_ name: String, _ value: SQLValue) -> MSSQLProcedureParameter {
        MSSQLProcedureParameter(name: name, value: value, type: nil, isOutput: true)
    }

    /// An OUTPUT parameter sent as NULL of `type`.
    public static func output(_ name: String, type: MSSQLParameterType) -> MSSQLProcedureParameter {
        MSSQLProcedureParameter(name: name, value: .null, type: type, isOutput: true)
    }
}

/// What a stored procedure call returned: every result set, the OUTPUT parameter values and the return status.
public struct MSSQLProcedureResult: Sendable {
    /// The rows of each result set, in order.
    public var resultSets: [[Row]]
    /// The OUTPUT parameter values by parameter name (with `@`).
    public var outputs: [String: SQLValue]
    /// The procedure's `RETURN` value, when it sent one.
    public var returnStatus: Int?
    /// The affected-row count of the last statement that reported one, or `-1`.
    public var rowCount: Int
}

extension MSSQLConnection {
    /// Calls a stored procedure by name as an RPC, with input and OUTPUT parameters.
    ///
    /// All result sets are read first, then the OUTPUT values and return status (`dbnumrets` / `dbretdata` /
    /// `dbretstatus`), so OUTPUT values arrive even when the procedure also returns rows.
    ///
    /// ```swift
    /// let result = try connection.callProcedure(
    ///     "sp_executesql",
    ///     parameters: [.input("@stmt", .string("SET @n = 42")), .input("@params", .string("@n INT OUTPUT")),
    ///                  .output("@n", type: .int)])
    /// result.outputs["@n"]   // .int(42)
    /// ```
    public func callProcedure(_ name: String, parameters: [MSSQLProcedureParameter]) throws -> MSSQLProcedureResult {
        let rpcParameters = try parameters.map(MSSQLConnection.rpcParameter)
        return try withHandle(claim: true) { handle in
            try handle.sendRPC(name, rpcParameters, statement: name)
            var resultSets: [[Row]] = []
            var rowCount = -1
            loop: while true {
                switch try handle.nextResult(statement: name) {
                case .rows(let columns, let types):
                    let shared = RowColumns(columns)
                    var rows: [Row] = []
                    while let values = try handle.nextRow(types: types, statement: name) {
                        rows.append(Row(columns: shared, values: values))
                    }
                    resultSets.append(rows)
                case .done(let count):
                    if let count, count >= 0 { rowCount = count }
                case .end:
                    break loop
                }
            }
            let returned = try handle.returnValues(statement: name)
            // The server dropped every prepared statement of the session (and may hand out their handles again).
            if name.lowercased().hasSuffix("sp_reset_connection") { serverDroppedPreparedStatements() }
            var outputs: [String: SQLValue] = [:]
            for (outputName, value) in returned.outputs { outputs[outputName] = value }
            return MSSQLProcedureResult(
                resultSets: resultSets, outputs: outputs, returnStatus: returned.status, rowCount: rowCount)
        }
    }

    static func rpcParameter(_ parameter: MSSQLProcedureParameter) throws -> RPCParameter {
        var encoded: EncodedParameter
        var maxLength: Int32 = -1
        if case .null = parameter.value, let type = parameter.type {
            encoded = try nullOutput(type)
        } else {
            encoded = try MSSQLParameterEncoder.encode(parameter.value)
            if encoded.emptyLiteral != nil && parameter.isOutput {
                throw DatabaseError(
                    kind: .invalidParameters,
                    message: "DB-Library sends an empty value as NULL; pass NULL for OUTPUT parameter \(parameter.name)"
                )
            }
        }
        if parameter.isOutput {
            switch parameter.type {
            case .string(let length): maxLength = Int32(min(max(length, 1), 4000))
            case .bytes(let length): maxLength = Int32(min(max(length, 1), 8000))
            default:
                if encoded.type == TDSTypeCode.varchar || encoded.type == TDSTypeCode.ntext { maxLength = 4000 }
                if encoded.type == TDSTypeCode.varbinary || encoded.type == TDSTypeCode.image { maxLength = 8000 }
            }
        }
        return RPCParameter(name: parameter.name, value: encoded, isOutput: parameter.isOutput, maxLength: maxLength)
    }

    /// A typed NULL for an OUTPUT parameter. DECIMAL goes as zero with the precision and scale (DB-Library reads
    /// them from the value), which the procedure overwrites.
    private static func nullOutput(_ type: MSSQLParameterType) throws -> EncodedParameter {
        func null(_ code: Int, _ declaration: String) -> EncodedParameter {
            EncodedParameter(type: code, bytes: nil, declaration: declaration)
        }
        switch type {
        case .int: return null(TDSTypeCode.int8, "BIGINT")
        case .bool: return null(TDSTypeCode.bit, "BIT")
        case .double: return null(TDSTypeCode.float8, "FLOAT")
        case .decimal(let precision, let scale):
            guard (1...DBNumericCodec.maxPrecision).contains(precision), (0...precision).contains(scale) else {
                throw DatabaseError(kind: .invalidParameters, message: "DECIMAL(\(precision),\(scale)) is not valid")
            }
            var zero = try DBNumericCodec.encode(SQLDecimal(0)).bytes
            zero[0] = UInt8(precision)
            zero[1] = UInt8(scale)
            return EncodedParameter(
                type: TDSTypeCode.decimal, bytes: zero, declaration: "DECIMAL(\(precision),\(scale))")
        case .string(let length): return null(TDSTypeCode.varchar, "NVARCHAR(\(length))")
        case .bytes(let length): return null(TDSTypeCode.varbinary, "VARBINARY(\(length))")
        case .date: return null(TDSTypeCode.msDate, "DATE")
        case .time: return null(TDSTypeCode.msTime, "TIME(7)")
        case .timestamp: return null(TDSTypeCode.msDatetime2, "DATETIME2(7)")
        case .timestampTZ: return null(TDSTypeCode.msDatetimeOffset, "DATETIMEOFFSET(7)")
        case .uuid: return null(TDSTypeCode.uniqueIdentifier, "UNIQUEIDENTIFIER")
        }
    }
}
