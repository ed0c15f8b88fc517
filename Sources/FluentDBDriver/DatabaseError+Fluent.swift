import DBCore
import FluentKit

/// DBCore's errors answer Fluent's questions about them, by kind, the same on both databases.
extension DBCore.DatabaseError: FluentKit.DatabaseError {
    /// The SQL text was not valid.
    public var isSyntaxError: Bool { kind == .syntaxError }
    /// A unique, foreign key, NOT NULL or CHECK constraint was violated.
    public var isConstraintFailure: Bool {
        [.uniqueViolation, .foreignKeyViolation, .notNullViolation, .checkViolation].contains(kind)
    }
    /// The connection is gone.
    public var isConnectionClosed: Bool { kind == .connectionLost }
}
