/// A SQL Server data type, as the sandbox declares it on the wire (COLMETADATA, RETURNVALUE) and in T-SQL DDL.
public enum TSQLType: Sendable, Hashable, CustomStringConvertible {
    case tinyint, smallint, int, bigint, bit
    /// `decimal(precision, scale)` / `numeric(precision, scale)`, precision 1–38.
    case decimal(precision: Int, scale: Int)
    case money, smallmoney, real, float
    /// `char(n)`: single-byte, fixed length.
    case char(Int)
    /// `varchar(n)`; `nil` length is `varchar(max)`.
    case varchar(Int?)
    /// `nchar(n)`: UCS-2, fixed length in characters.
    case nchar(Int)
    /// `nvarchar(n)`; `nil` length is `nvarchar(max)`.
    case nvarchar(Int?)
    /// `binary(n)`.
    case binary(Int)
    /// `varbinary(n)`; `nil` length is `varbinary(max)`.
    case varbinary(Int?)
    case date
    /// `time(scale)`, scale 0–7.
    case time(scale: Int)
    case datetime, smalldatetime
    /// `datetime2(scale)`, scale 0–7.
    case datetime2(scale: Int)
    /// `datetimeoffset(scale)`, scale 0–7.
    case datetimeoffset(scale: Int)
    case uniqueidentifier

    /// The T-SQL spelling, e.g. `nvarchar(max)` or `decimal(18,4)`.
    public var description: String {
        func length(_ n: Int?) -> String { n.map(String.init) ?? "max" }
        switch self {
        case .tinyint: return "tinyint"
        case .smallint: return "smallint"
        case .int: return "int"
        case .bigint: return "bigint"
        case .bit: return "bit"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        case .money: return "money"
        case .smallmoney: return "smallmoney"
        case .real: return "real"
        case .float: return "float"
        case .char(let n): return "char(\(n))"
        case .varchar(let n): return "varchar(\(length(n)))"
        case .nchar(let n): return "nchar(\(n))"
        case .nvarchar(let n): return "nvarchar(\(length(n)))"
        case .binary(let n): return "binary(\(n))"
        case .varbinary(let n): return "varbinary(\(length(n)))"
        case .date: return "date"
        case .time(let s): return "time(\(s))"
        case .datetime: return "datetime"
        case .smalldatetime: return "smalldatetime"
        case .datetime2(let s): return "datetime2(\(s))"
        case .datetimeoffset(let s): return "datetimeoffset(\(s))"
        case .uniqueidentifier: return "uniqueidentifier"
        }
    }
}
