import DBCore
import PGDriver

/// How each column of a result set read in place (``SandboxRowView``) is encoded, decided once per result set from
/// the pair of PostgreSQL field kind and T-SQL type, so that a row costs one switch per field and one capacity
/// check (``TDSTokenWriter/writePlannedRow(_:plan:scratch:into:)``).
///
/// A plan exists only when every column has a raw encoding (``TDSFieldEncoder/rawBound(_:_:as:)``); the common
/// pairs get a case of their own, the others go through ``TDSFieldEncoder/writeRaw(_:_:as:scratch:into:)``.
/// Every case writes exactly the bytes of the general path, and leaves to it whatever it would reject or convert
/// another way (a NULL, non-ASCII text, a value out of range): the row is then written by the general path.
struct TDSRowPlan {
    /// One column's encoding.
    enum Field {
        /// An integer or bool field as `tinyint`, `smallint`, `int`, `bigint` or `bit`.
        case tinyint, smallint, int, bigint, bit
        /// A float field as `real` or `float`.
        case real, float
        /// ASCII text as `nvarchar(limit)` (UTF-16LE, 2-byte length).
        case nvarchar(limit: Int)
        /// ASCII text as `varchar(limit)` (2-byte length).
        case varchar(limit: Int)
        /// ASCII text as `nvarchar(max)` (a PLP stream of one chunk).
        case nvarcharMax
        /// ASCII text as `varchar(max)` (a PLP stream of one chunk).
        case varcharMax
        /// A `timestamp` as `datetime2(scale)`: `length` time bytes, `divisor` nanoseconds per unit.
        case datetime2(length: Int, divisor: Int64)
        /// A `numeric` as `decimal(precision, scale)` of `length` bytes (sign included); `limit` is
        /// 10^precision when that fits in `UInt64`.
        case decimal(scale: Int, length: Int, limit: UInt64?)
        /// Another pair with a raw encoding.
        case raw(TSQLType)
    }

    /// One encoding per column.
    let fields: [Field]
    /// The bytes a row reserves besides its text fields: the token and 24 per field.
    let fixedBound: Int
    /// Whether any field's bound depends on the row (text, bytes, ``Field/raw(_:)``).
    let hasVariableFields: Bool

    /// The plan for the result set `row` belongs to, or `nil` when a column has no raw encoding.
    init?(row: PGRowView, columns: [ResultColumn]) {
        guard row.count == columns.count else { return nil }
        var fields: [Field] = []
        fields.reserveCapacity(columns.count)
        var variable = false
        for (index, column) in columns.enumerated() {
            let type = column.type
            guard TDSFieldEncoder.rawBound(row, index, as: type) != nil else { return nil }
            let field = Self.field(row.kind(index), type)
            switch field {
            case .nvarchar, .varchar, .nvarcharMax, .varcharMax, .raw: variable = true
            default: break
            }
            fields.append(field)
        }
        self.fields = fields
        self.fixedBound = 1 + 24 * fields.count
        self.hasVariableFields = variable
    }

    private static func field(_ kind: PGFieldKind, _ type: TSQLType) -> Field {
        guard (try? type.validate()) != nil else { return .raw(type) }
        switch (kind, type) {
        case (.integer, .tinyint), (.bool, .tinyint): return .tinyint
        case (.integer, .smallint), (.bool, .smallint): return .smallint
        case (.integer, .int), (.bool, .int): return .int
        case (.integer, .bigint), (.bool, .bigint): return .bigint
        case (.integer, .bit), (.bool, .bit): return .bit
        case (.float, .real): return .real
        case (.float, .float): return .float
        case (.text, .nvarchar(.some(let n))): return .nvarchar(limit: n)
        case (.text, .varchar(.some(let n))): return .varchar(limit: n)
        case (.text, .nvarchar(nil)): return .nvarcharMax
        case (.text, .varchar(nil)): return .varcharMax
        case (.timestamp, .datetime2(let scale)):
            var divisor: Int64 = 1
            for _ in 0..<(9 - min(max(scale, 0), 7)) { divisor *= 10 }
            return .datetime2(length: TSQLType.timeLength(scale: scale), divisor: divisor)
        case (.numeric, .decimal(let precision, let scale)):
            // 10^precision, or nil past UInt64 (every magnitude then fits).
            var limit: UInt64? = 1
            for _ in 0..<precision {
                guard let current = limit else { break }
                let (next, overflow) = current.multipliedReportingOverflow(by: 10)
                limit = overflow ? nil : next
            }
            return .decimal(scale: scale, length: TSQLType.decimalLength(precision: precision), limit: limit)
        default:
            return .raw(type)
        }
    }
}
