import Foundation

/// Parses the UUID spellings T-SQL accepts (`xxxxxxxx-…`, with or without braces).
enum UUIDParsing {
    /// The UUID in `text`, or `nil`.
    static func uuid(_ text: String) -> UUID? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{"), trimmed.hasSuffix("}") { trimmed = String(trimmed.dropFirst().dropLast()) }
        return UUID(uuidString: trimmed)
    }
}
