import CLibPQ
import DBCore

/// How a field of a ``PGRowView`` arrived, for readers that encode it without making an `SQLValue`.
package enum PGFieldKind: Sendable, Hashable {
    /// A binary `int2`, `int4` or `int8`: read it with ``PGRowView/integer(_:)``.
    case integer
    /// A binary `bool`: ``PGRowView/integer(_:)`` gives 0 or 1.
    case bool
    /// A binary `float4` or `float8`: read it with ``PGRowView/double(_:)``.
    case float
    /// Binary text (`text`, `varchar`, `bpchar`, `name`, `"char"`, `xml`): the UTF-8 bytes as stored.
    case text
    /// A binary `bytea`: the bytes.
    case bytes
    /// A binary `uuid`: its 16 bytes in RFC 4122 order.
    case uuid
    /// A binary `numeric`: read it with ``PGRowView/scaledNumeric(_:scale:)``.
    case numeric
    /// A binary `date`: ``PGRowView/integer(_:)`` gives days since 2000-01-01 (`Int32.min`/`.max`: ±infinity).
    case date
    /// A binary `time`: ``PGRowView/integer(_:)`` gives microseconds since midnight.
    case time
    /// A binary `timestamp` (without time zone): ``PGRowView/integer(_:)`` gives microseconds since
    /// 2000-01-01 00:00 (`Int64.min`/`.max`: ±infinity).
    case timestamp
    /// Anything else (or a text-format field): read it with ``PGRowView/value(_:)``.
    case other
}

/// One row of a ``PGCursor``'s current result, read in place from libpq's buffers: no `SQLValue` is made unless
/// asked for (``value(_:)``). For a protocol server that re-encodes PostgreSQL rows (the TDS sandbox); package-only,
/// and no pointer leaves PGDriver: variable-length fields are copied into a caller's reusable array.
///
/// A view keeps its libpq result alive; it stays valid after the cursor moves on.
package struct PGRowView {
    let result: PQResult
    let row: Int32
    let decoders: [PQColumnDecoder]
    let binary: [Bool]

    /// The number of fields.
    package var count: Int { decoders.count }

    /// Whether field `column` is NULL.
    @inline(__always)
    package func isNull(_ column: Int) -> Bool {
        PQgetisnull(result.pointer, row, Int32(column)) != 0
    }

    /// How field `column` arrived (the same for every row of the result).
    package func kind(_ column: Int) -> PGFieldKind {
        guard binary[column] else { return .other }
        switch decoders[column] {
        case .int2, .int4, .int8: return .integer
        case .bool: return .bool
        case .float4, .float8: return .float
        case .text: return .text
        case .bytea: return .bytes
        case .uuid: return .uuid
        case .numeric: return .numeric
        case .date: return .date
        case .time: return .time
        case .timestamp: return .timestamp
        default: return .other
        }
    }

    /// The number of bytes of field `column` as it arrived.
    @inline(__always)
    package func byteCount(_ column: Int) -> Int {
        Int(PQgetlength(result.pointer, row, Int32(column)))
    }

    /// A binary integer field of 1 (bool), 2, 4 or 8 bytes (``PGFieldKind/integer``, ``PGFieldKind/bool``, and
    /// the raw counts of ``PGFieldKind/date``, ``PGFieldKind/time``, ``PGFieldKind/timestamp``); `nil` for another
    /// size.
    package func integer(_ column: Int) -> Int64? {
        let bytes = fieldBytes(column)
        switch bytes.count {
        case 1: return bytes[0] != 0 ? 1 : 0
        case 2: return Int64(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self)))
        case 4: return Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
        case 8: return Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
        default: return nil
        }
    }

    /// A binary `float4` (widened, as ``PGCursor`` decodes it) or `float8` field; `nil` for another size.
    package func double(_ column: Int) -> Double? {
        let bytes = fieldBytes(column)
        switch bytes.count {
        case 4: return Double(Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))))
        case 8: return Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)))
        default: return nil
        }
    }

    /// Replaces `bytes` with field `column`'s bytes as they arrived (keeps the array's capacity).
    package func copyBytes(_ column: Int, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        let count = Int(PQgetlength(result.pointer, row, Int32(column)))
        guard count > 0, let start = PQgetvalue(result.pointer, row, Int32(column)) else { return }
        // A typed buffer appends with one copy (a raw buffer goes through the element-by-element sequence path).
        start.withMemoryRebound(to: UInt8.self, capacity: count) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
        }
    }

    /// Field `column` decoded as ``PGCursor/fetchOne()`` decodes it.
    package func value(_ column: Int) throws -> SQLValue {
        if isNull(column) { return .null }
        let bytes = fieldBytes(column)
        return binary[column] ? try decoders[column].decodeBinary(bytes) : try decoders[column].decodeText(bytes)
    }

    @inline(__always)
    private func fieldBytes(_ column: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(
            start: PQgetvalue(result.pointer, row, Int32(column)),
            count: Int(PQgetlength(result.pointer, row, Int32(column))))
    }
}

extension PGCursor {
    /// The next row of the current result set as a view on libpq's buffers, or `nil` when none is left; counts
    /// as a fetch (``fetchOne()`` then returns the row after it).
    package func nextRowView() throws -> PGRowView? {
        try checkOpen()
        guard columns != nil else { throw DatabaseError.misuse("no result set: the last statement returned no rows") }
        guard try refill(), let current else { return nil }
        let view = PGRowView(result: current, row: Int32(rowIndex), decoders: decoders, binary: binaryColumns)
        rowIndex += 1
        rowsSeen += 1
        return view
    }
}
