/// Encodes one column's value: ``SQLValueEncodable`` values as themselves, other `Encodable` values through
/// their single-value encoding (a raw-value enum becomes its raw value).
final class BulkSingleValueEncoder: Encoder, SingleValueEncodingContainer {
    let column: String
    var value: SQLValue?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(column: String) { self.column = column }

    static func encode<T: Encodable>(_ value: T, column: String) throws -> SQLValue {
        if let convertible = value as? any SQLValueEncodable { return convertible.sqlValue }
        let encoder = BulkSingleValueEncoder(column: column)
        try value.encode(to: encoder)
        guard let result = encoder.value else {
            throw DatabaseError.typeMismatch("column '\(column)': \(T.self) encoded no value")
        }
        return result
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        value = nil
        return KeyedEncodingContainer(BulkKeyedContainer<Key>(storage: BulkRowStorage(count: 0, indexByName: [:])))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        BulkUnsupportedContainer(message: "column '\(column)': lists are not supported")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws { value = .null }

    func encode<T: Encodable>(_ value: T) throws {
        self.value = try BulkSingleValueEncoder.encode(value, column: column)
    }
}

/// A container for shapes a row cannot hold; every call throws.
struct BulkUnsupportedContainer: UnkeyedEncodingContainer, SingleValueEncodingContainer {
    let message: String
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }

    private func fail() -> DatabaseError { DatabaseError.typeMismatch(message) }

    mutating func encodeNil() throws { throw fail() }
    mutating func encode<T: Encodable>(_ value: T) throws { throw fail() }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(BulkKeyedContainer<NestedKey>(storage: BulkRowStorage(count: 0, indexByName: [:])))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder {
        BulkKeyedEncoder(storage: BulkRowStorage(count: 0, indexByName: [:]))
    }
}

extension DatabaseError {
    /// `error` re-stated for a bulk copy: the message starts with `bulk copy failed at row N (batch B)` (both
    /// 0-based) and the detail says how many rows were committed before it. Kind and code are kept.
    public static func bulkCopyFailure(
        _ error: DatabaseError, row: Int, batch: Int, rowsCommitted: Int
    ) -> DatabaseError {
        var failure = error
        failure.message = "bulk copy failed at row \(row) (batch \(batch)): \(error.message)"
        let committed = "rows committed by this copy before the failure: \(rowsCommitted)"
        failure.detail = error.detail.map { "\($0); \(committed)" } ?? committed
        return failure
    }
}
