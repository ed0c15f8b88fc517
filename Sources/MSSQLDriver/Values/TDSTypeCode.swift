import DBCore

/// The TDS type codes DB-Library reports through `dbcoltype` and `dbrettype` (FreeTDS's `SYB*` constants), with
/// their names and portable families.
enum TDSTypeCode {
    static let char = 47  // SYBCHAR: char, varchar, nchar, nvarchar (converted to UTF-8)
    static let varchar = 39  // SYBVARCHAR
    static let text = 35  // SYBTEXT: text, varchar(max), xml
    static let ntext = 99  // SYBNTEXT
    static let nvarchar = 103  // SYBNVARCHAR (Sybase)
    static let xnvarchar = 231  // XSYBNVARCHAR
    static let xvarchar = 167  // XSYBVARCHAR
    static let xnchar = 239  // XSYBNCHAR
    static let xchar = 175  // XSYBCHAR
    static let binary = 45  // SYBBINARY
    static let varbinary = 37  // SYBVARBINARY
    static let image = 34  // SYBIMAGE
    static let xvarbinary = 165  // XSYBVARBINARY
    static let xbinary = 173  // XSYBBINARY
    static let int1 = 48  // SYBINT1 (tinyint, unsigned)
    static let int2 = 52  // SYBINT2
    static let int4 = 56  // SYBINT4
    static let int8 = 127  // SYBINT8
    static let intN = 38  // SYBINTN
    static let bit = 50  // SYBBIT
    static let bitN = 104  // SYBBITN
    static let real = 59  // SYBREAL
    static let float8 = 62  // SYBFLT8
    static let floatN = 109  // SYBFLTN
    static let decimal = 106  // SYBDECIMAL
    static let numeric = 108  // SYBNUMERIC
    static let money = 60  // SYBMONEY
    static let money4 = 122  // SYBMONEY4
    static let moneyN = 110  // SYBMONEYN
    static let datetime = 61  // SYBDATETIME
    static let datetime4 = 58  // SYBDATETIME4
    static let datetimeN = 111  // SYBDATETIMN
    static let msDate = 40  // SYBMSDATE
    static let msTime = 41  // SYBMSTIME
    static let msDatetime2 = 42  // SYBMSDATETIME2
    static let msDatetimeOffset = 43  // SYBMSDATETIMEOFFSET
    static let uniqueIdentifier = 36  // SYBUNIQUE
    static let variant = 98  // SYBVARIANT
    static let xml = 241  // SYBMSXML

    /// The lower-case SQL Server type name for a type code as the server sent it (`DBCOL2.ServerType`), for the
    /// codes whose name `dbcoltype` loses; `nil` for the others.
    static func serverTypeName(_ code: Int) -> String? {
        switch code {
        case xnvarchar: return "nvarchar"
        case xvarchar: return "varchar"
        case xnchar: return "nchar"
        case xchar: return "char"
        case ntext: return "ntext"
        case text: return "text"
        case xml: return "xml"
        case xvarbinary: return "varbinary"
        case xbinary: return "binary"
        case image: return "image"
        case decimal: return "decimal"
        case numeric: return "numeric"
        default: return nil
        }
    }

    /// The portable family and a lower-case type name for a DB-Library type code.
    static func describe(_ code: Int) -> (type: SQLDataType, name: String) {
        switch code {
        case char, xchar, xnchar: return (.string, "char")
        case varchar, xvarchar, nvarchar, xnvarchar: return (.string, "varchar")
        case text: return (.string, "text")
        case ntext: return (.string, "ntext")
        case xml: return (.string, "xml")
        case binary, xbinary: return (.bytes, "binary")
        case varbinary, xvarbinary: return (.bytes, "varbinary")
        case image: return (.bytes, "image")
        case int1: return (.uint8, "tinyint")
        case int2: return (.int16, "smallint")
        case int4: return (.int32, "int")
        case int8: return (.int64, "bigint")
        case bit, bitN: return (.bool, "bit")
        case real: return (.float32, "real")
        case float8, floatN: return (.float64, "float")
        case decimal: return (.decimal, "decimal")
        case numeric: return (.decimal, "numeric")
        case money, moneyN: return (.money, "money")
        case money4: return (.money, "smallmoney")
        case datetime, datetimeN: return (.timestamp, "datetime")
        case datetime4: return (.timestamp, "smalldatetime")
        case msDate: return (.date, "date")
        case msTime: return (.time, "time")
        case msDatetime2: return (.timestamp, "datetime2")
        case msDatetimeOffset: return (.timestampTZ, "datetimeoffset")
        case uniqueIdentifier: return (.uuid, "uniqueidentifier")
        case variant: return (.other, "sql_variant")
        default: return (.other, "type\(code)")
        }
    }
}
