/// SQL Server's data type conversion chart ("Data type conversion (Database Engine)"): which conversions happen
/// implicitly, which only with CAST/CONVERT, and which not at all, by family of types.
extension TSQLType {
    /// A group of types that convert alike.
    enum ConversionFamily: Sendable, Hashable {
        case character, exactNumber, approximateNumber, binary, uniqueidentifier
        /// `date`, `time`, `datetime2`, `datetimeoffset` (the ODBC-era `datetime`/`smalldatetime` convert more).
        case modernDateTime(String)
        /// `datetime`, `smalldatetime`.
        case legacyDateTime
    }

    /// How a value of one type becomes another.
    enum Conversion: Sendable, Hashable {
        /// Without CAST (assignments, comparisons, arguments).
        case implicit
        /// Only with CAST or CONVERT: implicitly it is error 257.
        case explicitOnly
        /// Never: error 206 where it would be implicit, 529 in CAST or CONVERT.
        case notAllowed
    }

    var conversionFamily: ConversionFamily {
        switch self {
        case .char, .varchar, .nchar, .nvarchar: return .character
        case .tinyint, .smallint, .int, .bigint, .bit, .decimal, .money, .smallmoney: return .exactNumber
        case .real, .float: return .approximateNumber
        case .binary, .varbinary: return .binary
        case .uniqueidentifier: return .uniqueidentifier
        case .date: return .modernDateTime("date")
        case .time: return .modernDateTime("time")
        case .datetime2: return .modernDateTime("datetime2")
        case .datetimeoffset: return .modernDateTime("datetimeoffset")
        case .datetime, .smalldatetime: return .legacyDateTime
        }
    }

    /// The chart's entry for a conversion from `self` to `target`.
    func conversion(to target: TSQLType) -> Conversion {
        switch (conversionFamily, target.conversionFamily) {
        case (.character, .binary): return .explicitOnly
        case (.character, _), (_, .character): return .implicit
        case (.exactNumber, .exactNumber), (.exactNumber, .approximateNumber), (.approximateNumber, .exactNumber),
            (.approximateNumber, .approximateNumber):
            return .implicit
        case (.exactNumber, .binary), (.binary, .exactNumber): return .implicit
        case (.approximateNumber, .binary), (.binary, .approximateNumber): return .notAllowed
        case (.exactNumber, .legacyDateTime), (.approximateNumber, .legacyDateTime): return .implicit
        case (.legacyDateTime, .exactNumber), (.legacyDateTime, .approximateNumber): return .explicitOnly
        case (.exactNumber, .modernDateTime), (.approximateNumber, .modernDateTime), (.modernDateTime, .exactNumber),
            (.modernDateTime, .approximateNumber):
            return .notAllowed
        case (.binary, .binary): return .implicit
        case (.binary, .uniqueidentifier), (.uniqueidentifier, .binary): return .implicit
        case (.binary, .legacyDateTime), (.legacyDateTime, .binary): return .explicitOnly
        case (.binary, .modernDateTime), (.modernDateTime, .binary): return .notAllowed
        case (.uniqueidentifier, .uniqueidentifier): return .implicit
        case (.uniqueidentifier, _), (_, .uniqueidentifier): return .notAllowed
        case (.legacyDateTime, .legacyDateTime), (.legacyDateTime, .modernDateTime),
            (.modernDateTime, .legacyDateTime):
            return .implicit
        case (.modernDateTime(let from), .modernDateTime(let to)):
            // date and time do not convert into each other; every other pair does.
            return (from == "date" && to == "time") || (from == "time" && to == "date") ? .notAllowed : .implicit
        }
    }

    /// The type's name as SQL Server's conversion messages write it (`varchar`, `int`, `datetime2`).
    var conversionName: String {
        description.split(separator: "(").first.map(String.init) ?? description
    }

    /// SQL Server's error for an implicit conversion the chart refuses, or `nil` when it is allowed.
    func implicitConversionError(to target: TSQLType, line: Int) -> SQLServerMessage? {
        switch conversion(to: target) {
        case .implicit:
            return nil
        case .explicitOnly:
            return SQLServerMessage(
                number: 257, state: 3, severity: 16,
                message: "Implicit conversion from data type \(conversionName) to \(target.conversionName) is not "
                    + "allowed. Use the CONVERT function to run this query.", line: line)
        case .notAllowed:
            return SQLServerMessage(
                number: 206, state: 2, severity: 16,
                message: "Operand type clash: \(conversionName) is incompatible with \(target.conversionName)",
                line: line)
        }
    }

    /// SQL Server's error for a CAST or CONVERT the chart refuses, or `nil` when it is allowed.
    func explicitConversionError(to target: TSQLType, line: Int) -> SQLServerMessage? {
        guard conversion(to: target) == .notAllowed else { return nil }
        return SQLServerMessage(
            number: 529, state: 2, severity: 16,
            message: "Explicit conversion from data type \(conversionName) to \(target.conversionName) is not allowed.",
            line: line)
    }
}

extension TSQLRewriter {
    /// The T-SQL type of a lone literal or variable, as SQL Server types it before any conversion (`nil` for other
    /// expressions, and for NULL, which converts to anything).
    func staticType(of tokens: ArraySlice<TSQLToken>) -> TSQLType? {
        guard tokens.count == 1, let token = tokens.first else { return nil }
        switch token.kind {
        case .variable: return variables[token.text.lowercased()]
        case .binary: return .varbinary(max(1, token.text.count / 2))
        case .string(let isUnicode):
            return isUnicode ? .nvarchar(max(1, token.text.count)) : .varchar(max(1, token.text.count))
        case .number:
            if token.text.contains("e") || token.text.contains("E") { return .float }
            if token.text.contains(".") { return .decimal(precision: 38, scale: 0) }
            return .int
        default: return nil
        }
    }

    /// CAST/CONVERT checked against the conversion chart (529 where SQL Server refuses it), and binary to text
    /// as SQL Server does it: the bytes themselves as characters (code page 1252 for `char`/`varchar`, UTF-16LE
    /// for `nchar`/`nvarchar`), not PostgreSQL's `\x…` spelling. `nil` for a plain cast.
    func checkedCast(
        _ source: ArraySlice<TSQLToken>, expression: String, to target: TSQLType, at name: TSQLToken
    ) throws(SQLServerMessage) -> String? {
        guard let sourceType = staticType(of: source) else { return nil }
        if let refusal = sourceType.explicitConversionError(to: target, line: name.line) { throw refusal }
        guard sourceType.conversionFamily == .binary else { return nil }
        switch target {
        case .char, .varchar:
            return Self.cast("convert_from(\(expression), 'WIN1252')", to: target)
        case .nchar, .nvarchar:
            return Self.cast("tds_sandbox.utf16le_text(\(expression))", to: target)
        default:
            return nil
        }
    }
}
