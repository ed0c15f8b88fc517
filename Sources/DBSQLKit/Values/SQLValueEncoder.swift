import DBCore
import Foundation

/// Turns SQLKit's binds (`Encodable & Sendable` values) into ``DBCore/SQLValue``s by DBCore's own conversion
/// rules: a type that is ``DBCore/SQLValueEncodable`` (`Int`, `String`, `Date`, `UUID`, `Decimal`, `Data`, `Bool`,
/// optionals, ``DBCore/SQLJSON``, …) converts as it does everywhere in DBCore; a type that encodes as one such
/// value (a `RawRepresentable` enum, a single-value wrapper) converts to that value; a type that encodes as a
/// keyed or unkeyed container (a struct, an array, a dictionary) becomes JSON (``DBCore/SQLValue/json(_:)``).
/// Nothing is ever turned into text with `String(describing:)`.
public struct SQLValueEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The SQL value for `value`.
    ///
    /// - Throws: ``DBCore/DatabaseError/Kind/typeMismatch`` when the value cannot be encoded (its `encode(to:)`
    ///   threw, or it encoded nothing).
    public func encode(_ value: any Encodable) throws -> SQLValue {
        if let convertible = value as? any SQLValueEncodable { return convertible.sqlValue }
        let box = SingleValueBox()
        do {
            try value.encode(to: SingleValueSQLEncoder(box: box))
        } catch is NeedsContainer {
            box.wantsContainer = true
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError.typeMismatch("cannot encode \(type(of: value)) as an SQL value: \(error)")
        }
        if box.wantsContainer { return .json(try SQLJSON(encoding: value).text) }
        guard let result = box.value else {
            throw DatabaseError.typeMismatch("\(type(of: value)) encoded no value")
        }
        return result
    }
}

/// Thrown inside the encoder when a value asks for a keyed or unkeyed container: it is then encoded as JSON.
private struct NeedsContainer: Error {}

/// Where the single value lands (the encoder is a struct handed out by value).
private final class SingleValueBox {
    var value: SQLValue?
    var wantsContainer = false
}

/// An `Encoder` that accepts exactly one value through a single-value container.
private struct SingleValueSQLEncoder: Encoder, SingleValueEncodingContainer {
    let box: SingleValueBox
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        box.wantsContainer = true
        return KeyedEncodingContainer(ThrowingKeyedContainer<Key>())
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        box.wantsContainer = true
        return ThrowingUnkeyedContainer()
    }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    mutating func encodeNil() throws { box.value = .null }
    mutating func encode<T: Encodable>(_ value: T) throws {
        if let convertible = value as? any SQLValueEncodable {
            box.value = convertible.sqlValue
        } else {
            try value.encode(to: self)
        }
    }
}

/// A keyed container that refuses every value, so the whole value goes as JSON instead.
private struct ThrowingKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var codingPath: [any CodingKey] { [] }
    mutating func encodeNil(forKey key: Key) throws { throw NeedsContainer() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw NeedsContainer() }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(ThrowingKeyedContainer<NestedKey>())
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        ThrowingUnkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { SingleValueSQLEncoder(box: SingleValueBox()) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { SingleValueSQLEncoder(box: SingleValueBox()) }
}

/// An unkeyed container that refuses every value, so the whole value goes as JSON instead.
private struct ThrowingUnkeyedContainer: UnkeyedEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }
    mutating func encodeNil() throws { throw NeedsContainer() }
    mutating func encode<T: Encodable>(_ value: T) throws { throw NeedsContainer() }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(ThrowingKeyedContainer<NestedKey>())
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { ThrowingUnkeyedContainer() }
    mutating func superEncoder() -> any Encoder { SingleValueSQLEncoder(box: SingleValueBox()) }
}
