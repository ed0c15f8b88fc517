import DBCore

/// What the driver knows about a built-in PostgreSQL type: its name, portable family and how to decode it.
struct PQTypeInfo {
    /// The type's name in `pg_type` (e.g. `int4`).
    let name: String
    /// The portable family.
    let family: SQLDataType
    /// How values of the type are decoded.
    let decoder: PQColumnDecoder
}

/// Type OIDs of the built-in types the driver binds or decodes (fixed in PostgreSQL's catalog).
enum PQOid {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let char: UInt32 = 18
    static let name: UInt32 = 19
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let oid: UInt32 = 26
    static let json: UInt32 = 114
    static let xml: UInt32 = 142
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let unknown: UInt32 = 705
    static let money: UInt32 = 790
    static let bpchar: UInt32 = 1042
    static let varchar: UInt32 = 1043
    static let date: UInt32 = 1082
    static let time: UInt32 = 1083
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let interval: UInt32 = 1186
    static let timetz: UInt32 = 1266
    static let numeric: UInt32 = 1700
    static let uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802
}

enum PQTypes {
    /// The static table of built-in types, by OID.
    static let byOid: [UInt32: PQTypeInfo] = [
        PQOid.bool: PQTypeInfo(name: "bool", family: .bool, decoder: .bool),
        PQOid.bytea: PQTypeInfo(name: "bytea", family: .bytes, decoder: .bytea),
        PQOid.char: PQTypeInfo(name: "char", family: .string, decoder: .text),
        PQOid.name: PQTypeInfo(name: "name", family: .string, decoder: .text),
        PQOid.int8: PQTypeInfo(name: "int8", family: .int64, decoder: .int8),
        PQOid.int2: PQTypeInfo(name: "int2", family: .int16, decoder: .int2),
        PQOid.int4: PQTypeInfo(name: "int4", family: .int32, decoder: .int4),
        PQOid.text: PQTypeInfo(name: "text", family: .string, decoder: .text),
        PQOid.oid: PQTypeInfo(name: "oid", family: .int64, decoder: .oid),
        PQOid.json: PQTypeInfo(name: "json", family: .json, decoder: .json),
        PQOid.xml: PQTypeInfo(name: "xml", family: .string, decoder: .text),
        PQOid.float4: PQTypeInfo(name: "float4", family: .float32, decoder: .float4),
        PQOid.float8: PQTypeInfo(name: "float8", family: .float64, decoder: .float8),
        PQOid.unknown: PQTypeInfo(name: "unknown", family: .string, decoder: .text),
        PQOid.money: PQTypeInfo(name: "money", family: .money, decoder: .money),
        PQOid.bpchar: PQTypeInfo(name: "bpchar", family: .string, decoder: .text),
        PQOid.varchar: PQTypeInfo(name: "varchar", family: .string, decoder: .text),
        PQOid.date: PQTypeInfo(name: "date", family: .date, decoder: .date),
        PQOid.time: PQTypeInfo(name: "time", family: .time, decoder: .time),
        PQOid.timestamp: PQTypeInfo(name: "timestamp", family: .timestamp, decoder: .timestamp),
        PQOid.timestamptz: PQTypeInfo(name: "timestamptz", family: .timestampTZ, decoder: .timestamptz),
        PQOid.interval: PQTypeInfo(name: "interval", family: .other, decoder: .interval),
        PQOid.timetz: PQTypeInfo(name: "timetz", family: .other, decoder: .timetz),
        PQOid.numeric: PQTypeInfo(name: "numeric", family: .decimal, decoder: .numeric),
        PQOid.uuid: PQTypeInfo(name: "uuid", family: .uuid, decoder: .uuid),
        PQOid.jsonb: PQTypeInfo(name: "jsonb", family: .json, decoder: .jsonb),
        // Types whose binary form is their text, decoded as strings.
        1033: PQTypeInfo(name: "aclitem", family: .other, decoder: .unknown),
        2275: PQTypeInfo(name: "cstring", family: .string, decoder: .text),
        4089: PQTypeInfo(name: "regnamespace", family: .other, decoder: .oid),
        2205: PQTypeInfo(name: "regclass", family: .other, decoder: .oid),
        2206: PQTypeInfo(name: "regtype", family: .other, decoder: .oid),
        3614: PQTypeInfo(name: "tsvector", family: .other, decoder: .unknown),
        869: PQTypeInfo(name: "inet", family: .other, decoder: .unknown),
        650: PQTypeInfo(name: "cidr", family: .other, decoder: .unknown),
        1560: PQTypeInfo(name: "bit", family: .other, decoder: .unknown),
        1562: PQTypeInfo(name: "varbit", family: .other, decoder: .unknown),
    ]

    /// The info for `oid`; unknown types decode by ``PQColumnDecoder/unknown``.
    static func info(_ oid: UInt32) -> PQTypeInfo {
        byOid[oid] ?? PQTypeInfo(name: "oid \(oid)", family: .other, decoder: .unknown)
    }

    /// The column description's size, precision and scale from the type modifier (`PQfmod`).
    static func modifiers(oid: UInt32, typmod: Int32) -> (size: Int?, precision: Int?, scale: Int?) {
        guard typmod >= 0 else { return (nil, nil, nil) }
        switch oid {
        case PQOid.varchar, PQOid.bpchar:
            return typmod >= 4 ? (Int(typmod) - 4, nil, nil) : (nil, nil, nil)
        case PQOid.numeric:
            guard typmod >= 4 else { return (nil, nil, nil) }
            let packed = Int(typmod) - 4
            let precision = (packed >> 16) & 0xffff
            let scale = ((packed & 0x7ff) ^ 1024) - 1024
            return (nil, precision, scale)
        case PQOid.time, PQOid.timetz, PQOid.timestamp, PQOid.timestamptz:
            return (nil, Int(typmod), nil)
        case PQOid.interval:
            let precision = Int(typmod) & 0xffff
            return (nil, precision == 0xffff ? nil : precision, nil)
        case 1560, 1562:
            return (Int(typmod), nil, nil)
        default:
            return (nil, nil, nil)
        }
    }
}
