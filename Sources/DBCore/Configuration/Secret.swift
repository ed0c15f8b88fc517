/// A password or token that never prints: `description`, `debugDescription` and string interpolation show
/// `********`. Read the real text with ``revealed`` only where it is handed to the C library.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    ExpressibleByStringLiteral
{
    /// The secret text. Never log it or put it in an error.
    public let revealed: String

    /// Wraps a secret.
    public init(_ value: String) { self.revealed = value }

    /// Wraps a secret literal (for tests and samples).
    public init(stringLiteral value: String) { self.revealed = value }

    /// Always `********`.
    public var description: String { "********" }
    /// Always `Secret(********)`.
    public var debugDescription: String { "Secret(********)" }
}
