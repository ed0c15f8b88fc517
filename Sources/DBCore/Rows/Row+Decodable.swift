import Foundation

extension Row {
    /// Decodes the row into `T` by column name: each stored property of `T` reads the column with its coding key
    /// (exact name first, then case-insensitive). Optional properties accept NULL and missing columns.
    ///
    /// ```swift
    /// struct Inventory: Decodable { var id: Int; var name: String; var quantity: Int }
    /// let items = try cursor.fetchAll().map { try $0.decode(Inventory.self) }
    /// ```
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try T(from: RowDecoder(row: self))
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError.typeMismatch("cannot decode \(T.self) from the row: \(error)")
        }
    }
}

/// A `Decoder` over one row: a keyed container by column name, whose values decode through `SQLValueDecodable`.
struct RowDecoder: Decoder {
    let row: Row
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowKeyedContainer<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DatabaseError.typeMismatch("rows decode into keyed types (structs with named properties)")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DatabaseError.typeMismatch("rows decode into keyed types (structs with named properties)")
    }
}

struct RowKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: Row
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columns.descriptions.compactMap { Key(stringValue: $0.name) } }

    func contains(_ key: Key) -> Bool { row.columns.index(of: key.stringValue) != nil }

    private func value(for key: Key) throws -> SQLValue {
        guard let value = row[key.stringValue] else {
            throw DatabaseError.typeMismatch(
                "no column named '\(key.stringValue)'; the columns are \(row.columns.descriptions.map(\.name))")
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        (row[key.stringValue] ?? .null).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let sqlValue = try value(for: key)
        if let convertible = T.self as? any SQLValueDecodable.Type {
            do {
                return try convertible.init(sqlValue: sqlValue) as! T
            } catch let error as DatabaseError {
                throw DatabaseError.typeMismatch("column '\(key.stringValue)': \(error.message)")
            }
        }
        // Nested Decodable types (enums with raw values, wrappers) decode from the single value.
        do {
            return try T(from: SingleValueDecoder(value: sqlValue, key: key.stringValue))
        } catch let error as DatabaseError {
            throw error.message.hasPrefix("column '")
                ? error
                : DatabaseError.typeMismatch("column '\(key.stringValue)': \(error.message)")
        } catch {
            throw DatabaseError.typeMismatch("column '\(key.stringValue)': cannot decode \(T.self): \(error)")
        }
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        throw DatabaseError.typeMismatch("column '\(key.stringValue)': nested containers are not supported")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DatabaseError.typeMismatch("column '\(key.stringValue)': nested containers are not supported")
    }

    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
}

/// Decodes one column value into a `Decodable` that is not `SQLValueDecodable` (e.g. a `RawRepresentable` enum).
struct SingleValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: SQLValue
    let key: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
        throw DatabaseError.typeMismatch("column '\(key)': cannot decode a keyed value from one column")
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DatabaseError.typeMismatch("column '\(key)': cannot decode a list from one column")
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let convertible = T.self as? any SQLValueDecodable.Type {
            return try convertible.init(sqlValue: value) as! T
        }
        return try T(from: self)
    }
}
