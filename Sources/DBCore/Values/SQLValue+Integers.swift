/// Integer conversions share one implementation: every fixed-width integer binds as `.int` and reads from
/// `.int` (range-checked), `.bool`, or an integral `.decimal`.
public protocol SQLIntegerConvertible: FixedWidthInteger, SQLValueConvertible {}

extension SQLIntegerConvertible {
    /// `.int`.
    public var sqlValue: SQLValue {
        if let value = Int64(exactly: self) { return .int(value) }
        // UInt64 values above Int64.max are exact as decimals.
        return .decimal(SQLDecimal(self))
    }

    /// From `.int` or `.bool` in range, or an integral `.decimal`.
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .int(let value):
            guard let exact = Self(exactly: value) else {
                throw sqlValue.mismatch(Self.self, "\(value) is out of range")
            }
            self = exact
        case .bool(let value): self = value ? 1 : 0
        case .decimal(let value):
            guard let exact = Self(value.normalized.description) else {
                throw sqlValue.mismatch(Self.self, "\(value) is not an integer in range")
            }
            self = exact
        default: throw sqlValue.mismatch(Self.self)
        }
    }
}

extension Int: SQLIntegerConvertible {}
extension Int8: SQLIntegerConvertible {}
extension Int16: SQLIntegerConvertible {}
extension Int32: SQLIntegerConvertible {}
extension Int64: SQLIntegerConvertible {}
extension UInt: SQLIntegerConvertible {}
extension UInt8: SQLIntegerConvertible {}
extension UInt16: SQLIntegerConvertible {}
extension UInt32: SQLIntegerConvertible {}
extension UInt64: SQLIntegerConvertible {}
