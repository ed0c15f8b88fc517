import Foundation

/// One SQL value, as it travels between Swift code and a database driver.
///
/// The cases cover what both PostgreSQL and SQL Server can store. Exact numbers stay exact: decimals are
/// ``SQLDecimal`` (never a `Double`), and date/time values keep their full precision (100 ns for SQL Server's
/// `DATETIME2(7)`, 1 µs for PostgreSQL) in ``SQLDate``, ``SQLTime``, ``SQLTimestamp`` and ``SQLTimestampTZ``.
public enum SQLValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// A boolean (`boolean`, `bit`).
    case bool(Bool)
    /// An integer of up to 64 bits (`smallint`, `int`, `bigint`, `tinyint`).
    case int(Int64)
    /// A binary floating-point number (`real`, `float`, `double precision`).
    case double(Double)
    /// An exact decimal number (`numeric`, `decimal`, `money`).
    case decimal(SQLDecimal)
    /// Text (`text`, `varchar`, `nvarchar`, `char`).
    case string(String)
    /// Binary data (`bytea`, `varbinary`, `binary`).
    case bytes([UInt8])
    /// A calendar date without time of day.
    case date(SQLDate)
    /// A time of day without date or time zone.
    case time(SQLTime)
    /// A date and time of day without time zone (`timestamp`, `datetime2`, `datetime`).
    case timestamp(SQLTimestamp)
    /// A date and time of day with a UTC offset (`timestamptz`, `datetimeoffset`).
    case timestampTZ(SQLTimestampTZ)
    /// A UUID (`uuid`, `uniqueidentifier`).
    case uuid(UUID)
    /// A JSON document, as its text (`json`, `jsonb`).
    case json(String)

    /// Whether this value is SQL `NULL`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
