/// Turns an `Encodable` row into one value per column, by coding key. Values that are ``SQLValueEncodable``
/// encode as themselves; other single values (raw-value enums, wrappers) through their `Encodable` conformance.
public struct BulkRowEncoder: Sendable {
    /// The columns, in output order.
    public let columns: [String]
    private let indexByName: [String: Int]

    /// Creates an encoder for these columns.
    public init(columns: [String]) {
        self.columns = columns
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        self.indexByName = index
    }

    /// The row's values in column order; keys absent from the row are NULL, keys that name no column are ignored.
    public func values(of row: some Encodable) throws -> [SQLValue] {
        let storage = BulkRowStorage(count: columns.count, indexByName: indexByName)
        do {
            try row.encode(to: BulkKeyedEncoder(storage: storage))
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError.typeMismatch("cannot encode \(type(of: row)) as a row: \(error)")
        }
        return storage.values
    }
}

final class BulkRowStorage {
    var values: [SQLValue]
    let indexByName: [String: Int]

    init(count: Int, indexByName: [String: Int]) {
        self.values = Array(repeating: .null, count: count)
        self.indexByName = indexByName
    }

    func set(_ value: SQLValue, forKey key: String) {
        if let index = indexByName[key] { values[index] = value }
    }
}

struct BulkKeyedEncoder: Encoder {
    let storage: BulkRowStorage
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(BulkKeyedContainer<Key>(storage: storage))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        BulkUnsupportedContainer(message: "rows encode from keyed types (structs with named properties)")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BulkUnsupportedContainer(message: "rows encode from keyed types (structs with named properties)")
    }
}

struct BulkKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: BulkRowStorage
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { storage.set(.null, forKey: key.stringValue) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        storage.set(try BulkSingleValueEncoder.encode(value, column: key.stringValue), forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(BulkKeyedContainer<NestedKey>(storage: BulkRowStorage(count: 0, indexByName: [:])))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        BulkUnsupportedContainer(message: "column '\(key.stringValue)': nested lists are not supported")
    }

    mutating func superEncoder() -> any Encoder { BulkKeyedEncoder(storage: storage) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { BulkKeyedEncoder(storage: storage) }
}
