/// A Swift type that can be sent to a database as a parameter.
public protocol SQLValueEncodable {
    /// The SQL value this Swift value binds as.
    var sqlValue: SQLValue { get }
}

/// A Swift type that can be read from a database value.
public protocol SQLValueDecodable {
    /// Converts a SQL value; throws a ``DatabaseError`` of kind ``DatabaseError/Kind/typeMismatch`` when the value
    /// cannot be represented exactly (NULL into a non-optional, overflow, fraction into an integer).
    init(sqlValue: SQLValue) throws
}

/// A Swift type that converts to and from SQL values.
public typealias SQLValueConvertible = SQLValueEncodable & SQLValueDecodable

extension SQLValue: SQLValueEncodable, SQLValueDecodable {
    /// The value itself.
    public var sqlValue: SQLValue { self }
    /// The value itself.
    public init(sqlValue: SQLValue) { self = sqlValue }
}

extension Optional: SQLValueEncodable where Wrapped: SQLValueEncodable {
    /// The wrapped value's SQL value, or `.null`.
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension Optional: SQLValueDecodable where Wrapped: SQLValueDecodable {
    /// `nil` for NULL, else the wrapped type's conversion.
    public init(sqlValue: SQLValue) throws {
        if case .null = sqlValue {
            self = .none
        } else {
            self = .some(try Wrapped(sqlValue: sqlValue))
        }
    }
}

extension SQLValue {
    /// The name of the case (`int`, `string`, `NULL`, …), for messages that must not show the value itself.
    public var kindName: String {
        switch self {
        case .null: return "NULL"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "double"
        case .decimal: return "decimal"
        case .string: return "string"
        case .bytes: return "bytes"
        case .date: return "date"
        case .time: return "time"
        case .timestamp: return "timestamp"
        case .timestampTZ: return "timestampTZ"
        case .uuid: return "uuid"
        case .json: return "json"
        }
    }

    /// The error for a value that cannot become `type`.
    func mismatch(_ type: Any.Type, _ reason: String? = nil) -> DatabaseError {
        let suffix = reason.map { ": \($0)" } ?? ""
        return .typeMismatch("cannot convert SQL \(kindName) to \(type)\(suffix)")
    }
}
