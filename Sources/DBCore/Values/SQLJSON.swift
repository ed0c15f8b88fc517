import Foundation

/// A JSON document as its text, bound as ``SQLValue/json(_:)`` (`json`/`jsonb` on PostgreSQL, `nvarchar` JSON
/// text on SQL Server).
///
/// ```swift
/// struct Tags: Codable { var colors: [String] }
/// try cursor.execute("INSERT INTO items (tags) VALUES (%s)", [try SQLJSON(encoding: Tags(colors: ["red"]))])
/// let tags: Tags = try row.get(SQLJSON.self, "tags").decode(Tags.self)
/// ```
public struct SQLJSON: SQLValueConvertible, Sendable, Hashable, CustomStringConvertible {
    /// The JSON text, as written (not re-formatted).
    public var text: String

    /// Wraps JSON text as is; it is not validated here (the server checks it).
    public init(_ text: String) { self.text = text }

    /// Encodes `value` with `JSONEncoder` (keys sorted, so equal values give equal text).
    ///
    /// - Throws: ``DatabaseError/Kind/typeMismatch`` when the value cannot be encoded as JSON.
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(value)
            self.text = String(decoding: data, as: UTF8.self)
        } catch {
            throw DatabaseError.typeMismatch("cannot encode \(type(of: value)) as JSON: \(error)")
        }
    }

    /// Decodes the JSON text as `T` with `JSONDecoder`.
    ///
    /// - Throws: ``DatabaseError/Kind/typeMismatch`` when the text is not JSON or does not fit `T`.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw DatabaseError.typeMismatch("cannot decode \(T.self) from JSON: \(error)")
        }
    }

    /// `.json(text)`.
    public var sqlValue: SQLValue { .json(text) }

    /// From `.json`, or `.string` (SQL Server returns JSON as text).
    public init(sqlValue: SQLValue) throws {
        switch sqlValue {
        case .json(let text), .string(let text): self.text = text
        default: throw sqlValue.mismatch(SQLJSON.self)
        }
    }

    /// The JSON text.
    public var description: String { text }
}
