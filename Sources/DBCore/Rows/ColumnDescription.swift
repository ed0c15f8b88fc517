/// The portable family of a column's SQL type.
public enum SQLDataType: String, Sendable, Hashable {
    /// `boolean`, `bit`.
    case bool
    /// `tinyint` (SQL Server, 0–255).
    case uint8
    /// `smallint`, `int2`.
    case int16
    /// `integer`, `int`, `int4`.
    case int32
    /// `bigint`, `int8`.
    case int64
    /// `real`, `float4`.
    case float32
    /// `double precision`, `float`, `float8`.
    case float64
    /// `numeric`, `decimal`.
    case decimal
    /// `money`, `smallmoney`.
    case money
    /// Character data: `text`, `varchar`, `char`, `nvarchar`, `nchar`.
    case string
    /// Binary data: `bytea`, `binary`, `varbinary`.
    case bytes
    /// `date`.
    case date
    /// `time`.
    case time
    /// `timestamp`, `datetime`, `datetime2`, `smalldatetime`.
    case timestamp
    /// `timestamptz`, `datetimeoffset`.
    case timestampTZ
    /// `uuid`, `uniqueidentifier`.
    case uuid
    /// `json`, `jsonb`.
    case json
    /// A type with no portable family; see ``ColumnDescription/nativeTypeName``.
    case other
}

/// A result column, as DB-API's `cursor.description` describes it.
public struct ColumnDescription: Sendable, Hashable {
    /// The column's name or alias (may be empty for unnamed expressions).
    public var name: String
    /// The portable type family.
    public var type: SQLDataType
    /// The server's own name for the type, such as `int4`, `numeric` or `nvarchar`.
    public var nativeTypeName: String
    /// The server's numeric type id: a PostgreSQL type OID, or a TDS type code.
    public var nativeTypeID: Int
    /// Whether the column can hold NULL, when the server says.
    public var isNullable: Bool?
    /// The declared maximum length in characters (strings) or bytes (binary), when bounded.
    public var size: Int?
    /// The declared precision (decimal digits for `numeric`, fractional-second digits for time types), if any.
    public var precision: Int?
    /// The declared scale (digits after the point), if any.
    public var scale: Int?
    /// The server's id of the table the column comes from, when it is a plain column of a table (PostgreSQL:
    /// the table's OID, libpq's `PQftable`); `nil` for computed columns or when the server does not say.
    public var sourceTableID: Int?
    /// The column's number within ``sourceTableID`` (PostgreSQL: `attnum`, libpq's `PQftablecol`), if known.
    public var sourceColumnNumber: Int?

    /// Creates a column description.
    public init(
        name: String, type: SQLDataType, nativeTypeName: String, nativeTypeID: Int, isNullable: Bool? = nil,
        size: Int? = nil, precision: Int? = nil, scale: Int? = nil, sourceTableID: Int? = nil,
        sourceColumnNumber: Int? = nil
    ) {
        self.name = name
        self.type = type
        self.nativeTypeName = nativeTypeName
        self.nativeTypeID = nativeTypeID
        self.isNullable = isNullable
        self.size = size
        self.precision = precision
        self.scale = scale
        self.sourceTableID = sourceTableID
        self.sourceColumnNumber = sourceColumnNumber
    }
}
