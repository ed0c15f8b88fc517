import DBCore
import Foundation

/// Decodes one ``DBCore/SQLValue`` into a `Decodable`, by DBCore's rules: a ``DBCore/SQLValueDecodable`` type
/// converts directly; a single-value type (a `RawRepresentable` enum, a wrapper) decodes from the value; a type
/// that needs a keyed or unkeyed container (a struct, an array) decodes from JSON (``DBCore/SQLValue/json(_:)``,
/// or text that holds JSON, as SQL Server stores it). One addition: a `Decimal` / ``DBCore/SQLDecimal`` also reads
/// a decimal number stored as text, exactly.
enum SQLValueDecoding {
    static func decode<D: Decodable>(_ type: D.Type, from value: SQLValue) throws -> D {
        // A decimal kept in a text column (Fluent's default column for `Decimal` is a string): parsed exactly.
        if case .string(let text) = value, D.self == Decimal.self || D.self == SQLDecimal.self,
            let decimal = SQLDecimal(text.trimmingCharacters(in: .whitespaces))
        {
            return try (D.self as! any SQLValueDecodable.Type).init(sqlValue: .decimal(decimal)) as! D
        }
        if let convertible = D.self as? any SQLValueDecodable.Type {
            return try convertible.init(sqlValue: value) as! D
        }
        do {
            return try D(from: SingleSQLValueDecoder(value: value))
        } catch is NeedsJSON {
            let text: String
            switch value {
            case .json(let json), .string(let json): text = json
            case .bytes(let bytes): text = String(decoding: bytes, as: UTF8.self)
            default: throw DatabaseError.typeMismatch("cannot decode \(D.self) from \(value.kindName)")
            }
            return try SQLJSON(text).decode(D.self)
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError.typeMismatch("cannot decode \(D.self): \(error)")
        }
    }
}

/// Thrown when a type asks for a container: the value is then read as JSON.
private struct NeedsJSON: Error {}

/// A `Decoder` over one value, through a single-value container.
private struct SingleSQLValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: SQLValue
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw NeedsJSON() }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw NeedsJSON() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let convertible = T.self as? any SQLValueDecodable.Type {
            return try convertible.init(sqlValue: value) as! T
        }
        return try T(from: self)
    }
}
