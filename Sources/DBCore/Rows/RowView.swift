/// One row of the current result set, read where the driver holds it, without building a ``Row``.
///
/// A view decodes a value only when asked for it: nothing is allocated for the values a caller does not read, and
/// a text column becomes a `String` only through ``string(at:)`` or ``value(at:)`` (``withUTF8(at:_:)`` reads its
/// bytes in place). A driver hands views out from ``DatabaseCursor/forEachRowView(_:)``; a view is valid only
/// during the call that receives it (reading it afterwards fails a precondition). Keep a row with ``makeRow()``.
///
/// Drivers implement ``columns`` and ``value(at:)``; the typed accessors have defaults built on ``value(at:)``,
/// which a driver replaces with reads straight from its buffers. ``Row`` is a view of itself.
public protocol RowView {
    /// The result's columns.
    var columns: RowColumns { get }

    /// The value of the column at `index`, decoded as ``Row`` would hold it.
    func value(at index: Int) throws -> SQLValue

    /// Whether the column at `index` is SQL `NULL`.
    func isNull(at index: Int) throws -> Bool

    /// The integer in the column at `index` (`nil` for NULL); throws ``DatabaseError/Kind/typeMismatch`` for a
    /// value that is not an integer.
    func int64(at index: Int) throws -> Int64?

    /// The floating-point number in the column at `index` (`nil` for NULL); integers convert, other values throw
    /// ``DatabaseError/Kind/typeMismatch``.
    func double(at index: Int) throws -> Double?

    /// The text in the column at `index` as a new `String` (`nil` for NULL); throws
    /// ``DatabaseError/Kind/typeMismatch`` for a value that is not text.
    func string(at index: Int) throws -> String?

    /// Calls `body` with the UTF-8 bytes of the text in the column at `index` (`nil`, without calling it, for
    /// NULL), read in place where the driver can; the bytes are valid only during the call.
    func withUTF8<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R?

    /// The exact decimal in the column at `index` (`nil` for NULL); integers convert.
    func decimal(at index: Int) throws -> SQLDecimal?

    /// The date and time of day in the column at `index` (`nil` for NULL).
    func timestamp(at index: Int) throws -> SQLTimestamp?

    /// The exact decimal in the column at `index` as an integer and a scale, `unscaled × 10^-scale` (`-12.50` is
    /// `(-1250, 2)`; `nil` for NULL), read without making the decimal's text where the driver can; integers
    /// convert with scale 0. Throws ``DatabaseError/Kind/typeMismatch`` for a value that is not a decimal or an
    /// integer, or whose digits do not fit an `Int64` (a decimal of up to 18 digits always fits).
    func scaledDecimal(at index: Int) throws -> (unscaled: Int64, scale: Int)?
}

extension RowView {
    /// Whether the column at `index` is SQL `NULL`, from ``value(at:)``.
    public func isNull(at index: Int) throws -> Bool { try value(at: index).isNull }

    /// The integer at `index`, from ``value(at:)``.
    public func int64(at index: Int) throws -> Int64? { try RowViewConversion.int64(value(at: index), index) }

    /// The floating-point number at `index`, from ``value(at:)``.
    public func double(at index: Int) throws -> Double? { try RowViewConversion.double(value(at: index), index) }

    /// The text at `index`, from ``value(at:)``.
    public func string(at index: Int) throws -> String? { try RowViewConversion.string(value(at: index), index) }

    /// The UTF-8 bytes of the text at `index`, through ``string(at:)``.
    public func withUTF8<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        guard var text = try string(at: index) else { return nil }
        return try text.withUTF8(body)
    }

    /// The decimal at `index`, from ``value(at:)``.
    public func decimal(at index: Int) throws -> SQLDecimal? { try RowViewConversion.decimal(value(at: index), index) }

    /// The timestamp at `index`, from ``value(at:)``.
    public func timestamp(at index: Int) throws -> SQLTimestamp? {
        try RowViewConversion.timestamp(value(at: index), index)
    }

    /// The decimal at `index` as an integer and a scale, from ``decimal(at:)``.
    public func scaledDecimal(at index: Int) throws -> (unscaled: Int64, scale: Int)? {
        try decimal(at: index).map { try RowViewConversion.scaled($0, index) }
    }

    /// The value at `index`, converted to `T` as `Row.get(_:at:)` does.
    public func get<T: SQLValueDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        try T(sqlValue: value(at: index))
    }

    /// The value of the column named `name` (exact, then case-insensitive match), converted to `T`.
    public func get<T: SQLValueDecodable>(_ type: T.Type = T.self, _ name: String) throws -> T {
        guard let index = columns.index(of: name) else {
            throw DatabaseError.misuse("no column named '\(name)'; the columns are \(columns.descriptions.map(\.name))")
        }
        return try T(sqlValue: value(at: index))
    }

    /// A ``Row`` with every value of this one, which stays valid after the view.
    public func makeRow() throws -> Row {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.count)
        for index in 0..<columns.count { values.append(try value(at: index)) }
        return Row(columns: columns, values: values)
    }
}

/// The conversions of ``RowView``'s typed accessors from a decoded ``SQLValue``: the defaults, and what a driver's
/// view falls back to for the column types it does not read in place.
package enum RowViewConversion {
    /// An integer (a boolean is 0 or 1).
    package static func int64(_ value: SQLValue, _ index: Int) throws -> Int64? {
        switch value {
        case .null: return nil
        case .int(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: throw mismatch(value, "an integer", index)
        }
    }

    /// A floating-point number (integers convert).
    package static func double(_ value: SQLValue, _ index: Int) throws -> Double? {
        switch value {
        case .null: return nil
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: throw mismatch(value, "a floating-point number", index)
        }
    }

    /// Text (a JSON document's text too).
    package static func string(_ value: SQLValue, _ index: Int) throws -> String? {
        switch value {
        case .null: return nil
        case .string(let text), .json(let text): return text
        default: throw mismatch(value, "text", index)
        }
    }

    /// An exact decimal (integers convert).
    package static func decimal(_ value: SQLValue, _ index: Int) throws -> SQLDecimal? {
        switch value {
        case .null: return nil
        case .decimal(let value): return value
        case .int(let value): return SQLDecimal(value)
        default: throw mismatch(value, "a decimal", index)
        }
    }

    /// A timestamp.
    package static func timestamp(_ value: SQLValue, _ index: Int) throws -> SQLTimestamp? {
        switch value {
        case .null: return nil
        case .timestamp(let value): return value
        default: throw mismatch(value, "a timestamp", index)
        }
    }

    /// A decimal as an integer and a scale (the digits of its canonical text), or
    /// ``DatabaseError/Kind/typeMismatch`` when they do not fit an `Int64`.
    package static func scaled(_ decimal: SQLDecimal, _ index: Int) throws -> (unscaled: Int64, scale: Int) {
        var magnitude: UInt64 = 0
        var scale = 0
        var inFraction = false
        for byte in decimal.description.utf8 {
            switch byte {
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, carry) = times10.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
                guard !overflow, !carry, sum <= UInt64(Int64.max) else {
                    throw DatabaseError.typeMismatch("column \(index) holds a decimal whose digits do not fit an Int64")
                }
                magnitude = sum
                if inFraction { scale += 1 }
            default: break  // the sign
            }
        }
        let value = Int64(magnitude)
        return (decimal.isNegative ? -value : value, scale)
    }

    /// A ``DatabaseError/Kind/typeMismatch`` naming the column, what was asked and what it holds (never the value).
    package static func mismatch(_ value: SQLValue, _ wanted: String, _ index: Int) -> DatabaseError {
        DatabaseError.typeMismatch("column \(index) holds SQL \(value.kindName), not \(wanted)")
    }
}

extension Row: RowView {
    /// The value at `index`, as `self[index]` (a row is a view of itself).
    public func value(at index: Int) throws -> SQLValue {
        guard values.indices.contains(index) else {
            throw DatabaseError.misuse("column index \(index) is out of range; the row has \(values.count) columns")
        }
        return values[index]
    }

    /// This row.
    public func makeRow() throws -> Row { self }
}
