import DBCore

/// SQLSTATE → portable error kind, in one table. Exact codes first, then two-character classes.
enum PQErrorMapping {
    /// Exact SQLSTATEs.
    static let exact: [String: DatabaseError.Kind] = [
        "42601": .syntaxError,
        "42P01": .undefinedTable,
        "42703": .undefinedColumn,
        "23505": .uniqueViolation,
        "23503": .foreignKeyViolation,
        "23502": .notNullViolation,
        "23514": .checkViolation,
        "40001": .transactionConflict,
        "40P01": .transactionConflict,
        "42501": .permissionDenied,
        "57P01": .connectionLost,  // admin_shutdown
        "57P02": .connectionLost,  // crash_shutdown
        "57P03": .connectionLost,  // cannot_connect_now
        "3D000": .authenticationFailed,  // invalid_catalog_name at login: no such database
    ]

    /// SQLSTATE classes (first two characters).
    static let classes: [String: DatabaseError.Kind] = [
        "08": .connectionLost,
        "28": .authenticationFailed,
        "22": .dataException,
    ]

    /// The kind for `sqlState`. `57014` (query_canceled) is `.cancelled` when ``PGConnection/cancel()`` asked for
    /// it during the statement, else `.timeout` (statement_timeout).
    static func kind(sqlState: String, cancelRequested: Bool) -> DatabaseError.Kind {
        if sqlState == "57014" { return cancelRequested ? .cancelled : .timeout }
        if let kind = exact[sqlState] { return kind }
        if let kind = classes[String(sqlState.prefix(2))] { return kind }
        return .other
    }

    /// The kind of a failed login from libpq's message (libpq gives no SQLSTATE before the session exists).
    static func connectKind(message: String) -> DatabaseError.Kind {
        let authenticationMarkers = [
            "password authentication failed", "no password supplied", "pg_hba.conf", "SCRAM authentication",
            "authentication method", "password is required", "server requested a password",
        ]
        for marker in authenticationMarkers where message.contains(marker) { return .authenticationFailed }
        // `role "x" does not exist`, `database "x" does not exist` (not `root certificate file ... does not exist`).
        if message.contains("does not exist") && (message.contains("role \"") || message.contains("database \"")) {
            return .authenticationFailed
        }
        return .connectionFailed
    }
}
