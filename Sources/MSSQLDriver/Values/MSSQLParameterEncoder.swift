import DBCore
import Foundation

/// One parameter ready for `dbrpcparam`: its DB-Library type, the bytes to send, and its T-SQL declaration for
/// `sp_executesql`'s `@params`.
struct EncodedParameter: Equatable {
    /// The DB-Library type passed to `dbrpcparam`.
    var type: Int
    /// The value bytes; `nil` sends NULL. DB-Library reads a zero length as NULL, so an empty string or binary value
    /// is sent as NULL and assigned in the statement instead (see ``emptyLiteral``).
    var bytes: [UInt8]?
    /// The declaration in `@params`, e.g. `NVARCHAR(4000)` or `DECIMAL(38,10)`.
    var declaration: String
    /// For an empty string or binary value, the T-SQL literal (`N''`, `0x`) assigned to the parameter at the start of
    /// the statement, because DB-Library cannot send a zero-length value.
    var emptyLiteral: String?

    /// Whether the value is SQL NULL, which the statement writes as the literal `NULL` (``MSSQLNullInlining``).
    var isNull: Bool { bytes == nil && emptyLiteral == nil }
}

/// Encodes ``SQLValue`` parameters for DB-Library RPCs.
///
/// Strings go as `SYBVARCHAR` with UTF-8 bytes (FreeTDS sends NVARCHAR with TDS 7.x, converting to UCS-2) up to 4000
/// bytes, longer ones as `SYBNTEXT` (sent as NVARCHAR(MAX)); bytes as `SYBVARBINARY`, over 8000 bytes as `SYBIMAGE`
/// (VARBINARY(MAX)). UUIDs go as text and dates as DATETIME2, converted by the server to the declared type (see
/// ``encode(_:)``).
enum MSSQLParameterEncoder {
    /// Encodes one value.
    static func encode(_ value: SQLValue) throws -> EncodedParameter {
        switch value {
        case .null:
            return EncodedParameter(type: TDSTypeCode.varchar, bytes: nil, declaration: "NVARCHAR(4000)")
        case .bool(let flag):
            return EncodedParameter(type: TDSTypeCode.bit, bytes: [flag ? 1 : 0], declaration: "BIT")
        case .int(let integer):
            return EncodedParameter(
                type: TDSTypeCode.int8, bytes: littleEndianBytes(integer), declaration: "BIGINT")
        case .double(let double):
            return EncodedParameter(
                type: TDSTypeCode.float8, bytes: littleEndianBytes(double.bitPattern), declaration: "FLOAT")
        case .decimal(let decimal):
            let encoded = try DBNumericCodec.encode(decimal)
            return EncodedParameter(
                type: TDSTypeCode.decimal, bytes: encoded.bytes,
                declaration: decimalDeclaration(precision: encoded.precision, scale: encoded.scale))
        case .string(let text), .json(let text):
            return string(text)
        case .bytes(let bytes):
            if bytes.isEmpty {
                return EncodedParameter(
                    type: TDSTypeCode.varbinary, bytes: nil, declaration: "VARBINARY(MAX)", emptyLiteral: "0x")
            }
            return EncodedParameter(
                type: bytes.count > 8000 ? TDSTypeCode.image : TDSTypeCode.varbinary, bytes: bytes,
                declaration: "VARBINARY(MAX)")
        case .date, .time, .timestamp, .timestampTZ:
            return dateTime(value)
        case .uuid(let uuid):
            // FreeTDS 1.3 flags UNIQUEIDENTIFIER as both fixed and nullable, so dbrpcparam refuses any non-NULL
            // value of it (SYBERPUL); the canonical text converts implicitly to the declared UNIQUEIDENTIFIER.
            return EncodedParameter(
                type: TDSTypeCode.varchar, bytes: Array(uuid.uuidString.utf8), declaration: "UNIQUEIDENTIFIER")
        }
    }

    /// A string parameter: NVARCHAR(4000) up to 4000 UTF-8 bytes, NVARCHAR(MAX) beyond.
    static func string(_ text: String) -> EncodedParameter {
        let bytes = Array(text.utf8)
        if bytes.isEmpty {
            return EncodedParameter(
                type: TDSTypeCode.varchar, bytes: nil, declaration: "NVARCHAR(4000)", emptyLiteral: "N''")
        }
        if bytes.count <= 4000 {
            return EncodedParameter(type: TDSTypeCode.varchar, bytes: bytes, declaration: "NVARCHAR(4000)")
        }
        return EncodedParameter(type: TDSTypeCode.ntext, bytes: bytes, declaration: "NVARCHAR(MAX)")
    }

    private static func dateTime(_ value: SQLValue) -> EncodedParameter {
        var all = DBDateTimeCodec.encode(value)!
        if case .date = value { all.hasTime = true }
        let (type, declaration): (Int, String)
        switch value {
        // DATE has the same fixed-and-nullable flags as UNIQUEIDENTIFIER in FreeTDS 1.3: it goes as DATETIME2 at
        // midnight and converts implicitly to the declared DATE.
        case .date: (type, declaration) = (TDSTypeCode.msDatetime2, "DATE")
        case .time: (type, declaration) = (TDSTypeCode.msTime, "TIME(7)")
        case .timestampTZ: (type, declaration) = (TDSTypeCode.msDatetimeOffset, "DATETIMEOFFSET(7)")
        default: (type, declaration) = (TDSTypeCode.msDatetime2, "DATETIME2(7)")
        }
        return EncodedParameter(type: type, bytes: DBDateTimeCodec.bytes(all), declaration: declaration)
    }

    /// The `@params` text for `sp_executesql`: `@P1 NVARCHAR(4000), @P2 BIGINT, …`.
    static func declarations(_ parameters: [EncodedParameter]) -> String {
        var text = UTF8TextBuilder(capacity: parameters.count * 24)
        for (index, parameter) in parameters.enumerated() {
            text.append(index > 0 ? ", @P" : "@P")
            text.append(decimal: index + 1)
            text.append(" ")
            text.append(parameter.declaration)
        }
        return text.text
    }

    /// The statement for `sp_executesql`: the SQL with `NULL` written in place of the NULL parameters (see
    /// ``MSSQLNullInlining``), preceded (on the same line, so error line numbers stay right) by assignments of the
    /// empty values DB-Library cannot send.
    static func statement(_ sql: String, _ parameters: [EncodedParameter]) -> String {
        statement(BoundStatement(sql: sql), parameters)
    }

    /// `statement(_:_:)` (the `String` form) for a statement that may carry its layout (then it is not lexed again).
    static func statement(_ statement: BoundStatement, _ parameters: [EncodedParameter]) -> String {
        // The common case (no NULL, no empty value) without the sets and arrays below: once per statement run.
        if !parameters.contains(where: { $0.bytes == nil }) { return statement.sql }
        let nulls = Set(parameters.indices.filter { parameters[$0].isNull }.map { $0 + 1 })
        let sql = MSSQLNullInlining.inline(statement, positions: nulls)
        let assignments = parameters.enumerated().compactMap { index, parameter in
            parameter.emptyLiteral.map { "SET @P\(index + 1) = \($0);" }
        }
        return assignments.isEmpty ? sql : assignments.joined(separator: " ") + " " + sql
    }

    /// `DECIMAL(p,s)` for every precision and scale up to 38, made once (executeMany declares thousands).
    private static let decimalDeclarations: [[String]] = (0...DBNumericCodec.maxPrecision).map { precision in
        (0...DBNumericCodec.maxPrecision).map { "DECIMAL(\(precision),\($0))" }
    }

    private static func decimalDeclaration(precision: Int, scale: Int) -> String {
        guard precision <= DBNumericCodec.maxPrecision, scale <= DBNumericCodec.maxPrecision else {
            return "DECIMAL(\(precision),\(scale))"
        }
        return decimalDeclarations[precision][scale]
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
