import DBCore

/// The value types of a multi-row INSERT's chunk, column by column, so that a chunk never makes SQL Server change a
/// value.
///
/// SQL Server gives each column of a `VALUES (…), (…)` list ONE type — the highest-precedence type of its rows, as
/// for `UNION ALL` — and converts every row to it before the target column's own conversion. Mixing kinds in a
/// column would therefore change data: an empty string next to an integer becomes `0`, a DECIMAL next to a FLOAT is
/// rounded to 17 digits, `'abc'` next to an integer fails with error 245. A chunk therefore keeps, per column, one
/// kind of value (NULLs go with any), and DECIMALs only while their common type still holds every one of them
/// exactly (at most 38 digits: the most integer digits plus the largest scale). The next set that does not fit
/// starts a new chunk.
struct MultiRowColumnTypes {
    /// The kind of a parameter value, as SQL Server types it.
    private enum Kind: Equatable {
        case bit, bigint, float, decimal, nvarchar, varbinary, date, time, datetime2, datetimeoffset, uniqueidentifier
    }

    private var kinds: [Kind?] = []
    private var integerDigits: [Int] = []
    private var scales: [Int] = []

    /// Adds `set` to the chunk if its values keep every column's type; returns whether it did.
    mutating func admit(_ set: [SQLValue]) -> Bool {
        if kinds.count < set.count {
            kinds += Array(repeating: nil, count: set.count - kinds.count)
            integerDigits += Array(repeating: 0, count: set.count - integerDigits.count)
            scales += Array(repeating: 0, count: set.count - scales.count)
        }
        for (index, value) in set.enumerated() {
            guard let kind = Self.kind(of: value) else { continue }
            if let known = kinds[index], known != kind { return false }
            if case .decimal(let decimal) = value {
                let digits = max(integerDigits[index], decimal.precision - decimal.scale)
                let scale = max(scales[index], decimal.scale)
                if digits + scale > DBNumericCodec.maxPrecision { return false }
            }
        }
        for (index, value) in set.enumerated() {
            guard let kind = Self.kind(of: value) else { continue }
            kinds[index] = kind
            if case .decimal(let decimal) = value {
                integerDigits[index] = max(integerDigits[index], decimal.precision - decimal.scale)
                scales[index] = max(scales[index], decimal.scale)
            }
        }
        return true
    }

    private static func kind(of value: SQLValue) -> Kind? {
        switch value {
        case .null: return nil
        case .bool: return .bit
        case .int: return .bigint
        case .double: return .float
        case .decimal: return .decimal
        case .string, .json: return .nvarchar
        case .bytes: return .varbinary
        case .date: return .date
        case .time: return .time
        case .timestamp: return .datetime2
        case .timestampTZ: return .datetimeoffset
        case .uuid: return .uniqueidentifier
        }
    }
}
