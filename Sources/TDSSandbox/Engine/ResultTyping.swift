import DBCore
import Foundation

/// Declares result columns with SQL Server types and converts PostgreSQL values to them.
enum ResultTyping {
    /// The result columns for a PostgreSQL result: the sandbox catalog's type and spelling for table columns,
    /// the translator's type hint and output name for computed ones, else a type derived from PostgreSQL's.
    static func columns(
        _ descriptions: [ColumnDescription], output: [OutputColumn], catalog: CatalogCache,
        sampleRows: [Row]
    ) throws(SQLServerMessage) -> [ResultColumn] {
        let useOutputNames = output.count == descriptions.count && !output.contains(where: \.isStar)
        var columns: [ResultColumn] = []
        for (index, description) in descriptions.enumerated() {
            let recorded = catalog.column(for: description)
            let hint = useOutputNames ? output[index].typeHint : nil
            var name = description.name == "?column?" ? "" : description.name
            if useOutputNames {
                name = output[index].name ?? ""
            } else if let recorded {
                name = recorded.name
            }
            let type: TSQLType
            if let known = hint ?? recorded?.type {
                type = known
            } else if let typeID = catalog.dateTimeOffsetTypeID, description.nativeTypeID == typeID {
                type = .datetimeoffset(scale: 7)
            } else {
                type = try postgresType(description, index: index, sampleRows: sampleRows)
            }
            columns.append(ResultColumn(name: name, type: type, isNullable: description.isNullable ?? true))
        }
        return columns
    }

    /// The SQL Server type for a PostgreSQL column that neither the catalog nor the translator types.
    static func postgresType(
        _ description: ColumnDescription, index: Int, sampleRows: [Row]
    ) throws(SQLServerMessage) -> TSQLType {
        switch description.nativeTypeID {
        case 16: return .bit
        case 20: return .bigint
        case 21: return .smallint
        case 23: return .int
        case 26: return .bigint
        case 700: return .real
        case 701: return .float
        case 790: return .money
        case 1700:
            if let precision = description.precision, let scale = description.scale, precision <= 38 {
                return .decimal(precision: precision, scale: scale)
            }
            return try unconstrainedDecimal(sampleRows.map { $0.values[index] }, column: description.name)
        case 25, 114, 3802, 705: return .nvarchar(nil)
        case 1043:
            if let size = description.size, size <= 4000 { return .nvarchar(size) }
            return .nvarchar(nil)
        case 1042:
            if let size = description.size, size <= 4000 { return .nchar(size) }
            return .nvarchar(nil)
        case 18: return .nchar(1)
        case 19: return .nvarchar(128)
        case 17: return .varbinary(nil)
        case 1082: return .date
        case 1083: return .time(scale: min(description.precision ?? 7, 7))
        case 1114: return .datetime2(scale: min(description.precision ?? 7, 7))
        case 1184: return .datetimeoffset(scale: min(description.precision ?? 7, 7))
        case 2950: return .uniqueidentifier
        default: return .nvarchar(nil)
        }
    }

    /// `decimal(38, s)` for an unconstrained `numeric`, with `s` the largest scale among the first rows.
    private static func unconstrainedDecimal(_ values: [SQLValue], column: String) throws(SQLServerMessage) -> TSQLType
    {
        var scale = 0
        var integerDigits = 1
        for case .decimal(let value) in values {
            scale = max(scale, value.scale)
            integerDigits = max(integerDigits, value.precision - value.scale)
        }
        guard integerDigits + scale <= 38 else {
            guard integerDigits <= 38 else {
                throw SQLServerMessage(
                    number: 8115, severity: 16,
                    message: "Arithmetic overflow error converting numeric to data type numeric (column '\(column)').")
            }
            return .decimal(precision: 38, scale: 38 - integerDigits)
        }
        return .decimal(precision: 38, scale: scale)
    }

    /// Converts a value PostgreSQL returned (or a parameter value) to what the protocol layer encodes for `type`.
    static func convert(_ value: SQLValue, to type: TSQLType) -> SQLValue {
        switch (type, value) {
        case (_, .null): return .null
        case (.bit, .int(let number)): return .bool(number != 0)
        case (.bit, .string(let text)):
            return .bool(text == "1" || text.lowercased() == "true")
        case (.tinyint, .bool(let flag)), (.smallint, .bool(let flag)), (.int, .bool(let flag)),
            (.bigint, .bool(let flag)):
            return .int(flag ? 1 : 0)
        case (.decimal, .int(let number)), (.money, .int(let number)), (.smallmoney, .int(let number)):
            return .decimal(SQLDecimal(number))
        case (.decimal, .double(let number)), (.money, .double(let number)), (.smallmoney, .double(let number)):
            return SQLDecimal("\(number)").map { .decimal($0) } ?? value
        case (.real, .int(let number)), (.float, .int(let number)):
            return .double(Double(number))
        case (.real, .decimal(let number)), (.float, .decimal(let number)):
            return Double(number.description).map { .double($0) } ?? value
        case (.binary(let length), .bytes(let bytes)) where bytes.count < length:
            return .bytes(bytes + [UInt8](repeating: 0, count: length - bytes.count))
        case (.char, .json(let text)), (.varchar, .json(let text)), (.nchar, .json(let text)),
            (.nvarchar, .json(let text)):
            return .string(text)
        case (.char, let other), (.varchar, let other), (.nchar, let other), (.nvarchar, let other):
            if case .string = other { return other }
            return .string(text(of: other))
        case (.uniqueidentifier, .string(let text)):
            return UUIDParsing.uuid(text).map { .uuid($0) } ?? value
        case (.datetimeoffset, .timestamp(let local)):
            return .timestampTZ(SQLTimestampTZ(local: local, offsetSeconds: 0))
        case (.datetimeoffset, .string(let text)):
            return SandboxCatalog.decodeDateTimeOffset(value) ?? SQLTimestampTZ(iso: text).map { .timestampTZ($0) }
                ?? value
        case (.datetimeoffset, .bytes):
            return SandboxCatalog.decodeDateTimeOffset(value) ?? value
        default:
            return value
        }
    }

    /// A value's text, for string columns.
    static func text(of value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "1" : "0"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .decimal(let number): return number.description
        case .string(let text), .json(let text): return text
        case .bytes(let bytes):
            return "0x" + bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
        case .date(let date): return date.description
        case .time(let time): return time.description
        case .timestamp(let timestamp): return timestamp.description
        case .timestampTZ(let timestamp): return timestamp.description
        case .uuid(let uuid): return uuid.uuidString
        }
    }
}

extension String {
    /// The string with `0`s in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
