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
        "57P01": .connectionLost,  // admin_shutdown: FATAL, the server ends the session
        "57P02": .connectionLost,  // crash_shutdown: FATAL, the server ends the session
        "57P03": .connectionLost,  // cannot_connect_now
        "3D000": .authenticationFailed,  // invalid_catalog_name at login: no such database
        // protocol_violation on a live connection: e.g. "bind message supplies 0 parameters, but prepared
        // statement requires 1". The connection keeps working; a broken one is `.connectionLost` by its state.
        "08P01": .invalidParameters,
    ]

    /// SQLSTATE classes (first two characters). Class 08 (connection exception) is not here: whether a
    /// connection was lost is decided by its real state (`PQstatus`), not by the code.
    static let classes: [String: DatabaseError.Kind] = [
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

    /// The SQLSTATE a failed connect stands for, read from libpq's message (libpq gives no SQLSTATE before the
    /// session exists): `57P03` (cannot_connect_now: starting up, shutting down, in recovery), `57P01`
    /// (admin_shutdown), `08006` (the server closed the connection), `08001` (refused, unreachable, timed out),
    /// `28P01` (wrong password), `28000` (no such role), `3D000` (no such database), or `nil` for anything else
    /// (TLS, unknown host). The transient-fault retry reads it.
    static func connectSQLState(message: String) -> String? {
        let text = message.lowercased()
        if text.contains("password authentication failed") { return "28P01" }
        if text.contains("does not exist") && text.contains("database \"") { return "3D000" }
        if text.contains("does not exist") && text.contains("role \"") { return "28000" }
        let cannotConnectNow = [
            "the database system is starting up", "the database system is shutting down",
            "the database system is in recovery mode", "the database system is not yet accepting connections",
            "the database system is not accepting connections",
        ]
        if cannotConnectNow.contains(where: text.contains) { return "57P03" }
        if text.contains("terminating connection due to administrator command") { return "57P01" }
        if text.contains("server closed the connection unexpectedly") { return "08006" }
        if text.contains("connection refused") || text.contains("timeout expired")
            || text.contains("no route to host") || text.contains("network is unreachable")
        {
            return "08001"
        }
        return nil
    }

    /// The kind of a failed connect: `.timeout` when the connect timeout expired (as on SQL Server), else
    /// ``connectKind(message:)``.
    static func connectFailureKind(message: String) -> DatabaseError.Kind {
        message.contains("timeout expired") ? .timeout : connectKind(message: message)
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
