import Foundation

extension Bool: SQLValueConvertible {
    /// `.bool`.
    public var sqlValue: SQLValue { .bool(self) }
    /// From `.bool`, or `.int` 0/1.
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .bool(let value): self = value
        case .int(let value) where value == 0 || value == 1: self = value == 1
        default: throw sqlValue.mismatch(Bool.self)
        }
    }
}

extension String: SQLValueConvertible {
    /// `.string`.
    public var sqlValue: SQLValue { .string(self) }
    /// From `.string` or `.json`; other non-NULL values by their text form (numbers, dates, UUIDs).
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .string(let value), .json(let value): self = value
        case .int(let value): self = String(value)
        case .double(let value): self = String(value)
        case .decimal(let value): self = value.description
        case .bool(let value): self = value ? "true" : "false"
        case .date(let value): self = value.description
        case .time(let value): self = value.description
        case .timestamp(let value): self = value.description
        case .timestampTZ(let value): self = value.description
        case .uuid(let value): self = value.uuidString
        case .null, .bytes: throw sqlValue.mismatch(String.self)
        }
    }
}

extension Double: SQLValueConvertible {
    /// `.double`.
    public var sqlValue: SQLValue { .double(self) }
    /// From `.double`, `.int`, or `.decimal` (the nearest `Double`).
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .double(let value): self = value
        case .int(let value): self = Double(value)
        case .decimal(let value):
            guard let parsed = Double(value.description) else { throw sqlValue.mismatch(Double.self) }
            self = parsed
        default: throw sqlValue.mismatch(Double.self)
        }
    }
}

extension Float: SQLValueConvertible {
    /// `.double`.
    public var sqlValue: SQLValue { .double(Double(self)) }
    /// From `.double` or `.int` (the nearest `Float`).
    public init(sqlValue: SQLValue) throws {
        self = Float(try Double(sqlValue: sqlValue))
    }
}

extension SQLDecimal: SQLValueConvertible {
    /// `.decimal`.
    public var sqlValue: SQLValue { .decimal(self) }
    /// From `.decimal` or `.int`.
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .decimal(let value): self = value
        case .int(let value): self = SQLDecimal(value)
        default: throw sqlValue.mismatch(SQLDecimal.self)
        }
    }
}

extension Decimal: SQLValueConvertible {
    /// `.decimal`, exactly.
    public var sqlValue: SQLValue { .decimal(SQLDecimal(self)) }
    /// From `.decimal` (throws if it has more digits than `Decimal` holds) or `.int`.
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .decimal(let value):
            guard let decimal = value.decimalValue else {
                throw sqlValue.mismatch(Decimal.self, "\(value) has more digits than Decimal holds; read SQLDecimal")
            }
            self = decimal
        case .int(let value): self = Decimal(value)
        default: throw sqlValue.mismatch(Decimal.self)
        }
    }
}

extension UUID: SQLValueConvertible {
    /// `.uuid`.
    public var sqlValue: SQLValue { .uuid(self) }
    /// From `.uuid`, or a `.string` holding a UUID.
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .uuid(let value): self = value
        case .string(let text):
            guard let value = UUID(uuidString: text) else { throw sqlValue.mismatch(UUID.self, "not a UUID") }
            self = value
        default: throw sqlValue.mismatch(UUID.self)
        }
    }
}

extension Data: SQLValueConvertible {
    /// `.bytes`.
    public var sqlValue: SQLValue { .bytes([UInt8](self)) }
    /// From `.bytes`.
    public init(sqlValue: SQLValue) throws {
        guard case .bytes(let bytes) = sqlValue else { throw sqlValue.mismatch(Data.self) }
        self = Data(bytes)
    }
}

extension Array: SQLValueEncodable where Element == UInt8 {
    /// `.bytes`.
    public var sqlValue: SQLValue { .bytes(self) }
}

extension Array: SQLValueDecodable where Element == UInt8 {
    /// From `.bytes`.
    public init(sqlValue: SQLValue) throws {
        guard case .bytes(let bytes) = sqlValue else { throw sqlValue.mismatch([UInt8].self) }
        self = bytes
    }
}

extension Date: SQLValueConvertible {
    /// `.timestampTZ` in UTC, to the microsecond.
    public var sqlValue: SQLValue { .timestampTZ(SQLTimestampTZ(self)) }
    /// From `.timestampTZ`, `.timestamp` (read as UTC) or `.date` (midnight UTC).
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .timestampTZ(let value): self = value.date
        case .timestamp(let value): self = value.dateAssumingUTC
        case .date(let value): self = Date(timeIntervalSince1970: Double(value.daysSince1970) * 86_400)
        default: throw sqlValue.mismatch(Date.self)
        }
    }
}

extension SQLDate: SQLValueConvertible {
    /// `.date`.
    public var sqlValue: SQLValue { .date(self) }
    /// From `.date`.
    public init(sqlValue: SQLValue) throws {
        guard case .date(let value) = sqlValue else { throw sqlValue.mismatch(SQLDate.self) }
        self = value
    }
}

extension SQLTime: SQLValueConvertible {
    /// `.time`.
    public var sqlValue: SQLValue { .time(self) }
    /// From `.time`.
    public init(sqlValue: SQLValue) throws {
        guard case .time(let value) = sqlValue else { throw sqlValue.mismatch(SQLTime.self) }
        self = value
    }
}

extension SQLTimestamp: SQLValueConvertible {
    /// `.timestamp`.
    public var sqlValue: SQLValue { .timestamp(self) }
    /// From `.timestamp`.
    public init(sqlValue: SQLValue) throws {
        guard case .timestamp(let value) = sqlValue else { throw sqlValue.mismatch(SQLTimestamp.self) }
        self = value
    }
}

extension SQLTimestampTZ: SQLValueConvertible {
    /// `.timestampTZ`.
    public var sqlValue: SQLValue { .timestampTZ(self) }
    /// From `.timestampTZ`.
    public init(sqlValue: SQLValue) throws {
        guard case .timestampTZ(let value) = sqlValue else { throw sqlValue.mismatch(SQLTimestampTZ.self) }
        self = value
    }
}
