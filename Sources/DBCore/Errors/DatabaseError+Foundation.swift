import Foundation

extension DatabaseError: LocalizedError, CustomNSError {
    /// ``description``: the kind, the native code and the message, so `localizedDescription` says what happened
    /// instead of Foundation's generic "The operation could not be completed". Never contains a password or token.
    public var errorDescription: String? { description }

    /// The server's detail text (PostgreSQL DETAIL), if any.
    public var failureReason: String? { detail }

    /// The server's hint (PostgreSQL HINT), if any.
    public var recoverySuggestion: String? { hint }

    /// `DBCore.DatabaseError`.
    public static var errorDomain: String { "DBCore.DatabaseError" }

    /// A stable number per ``Kind`` (1 `connectionFailed` … 21 `other`), so bridged `NSError`s of one kind compare
    /// equal in domain and code; the native code is in ``code``.
    public var errorCode: Int { Self.kindCodes[kind] ?? 0 }

    /// `NSLocalizedDescriptionKey` with ``description``, and the native code under `DBCoreNativeCode`.
    public var errorUserInfo: [String: Any] {
        var info: [String: Any] = [NSLocalizedDescriptionKey: description]
        if let code { info["DBCoreNativeCode"] = code.description }
        if let detail { info[NSLocalizedFailureReasonErrorKey] = detail }
        if let hint { info[NSLocalizedRecoverySuggestionErrorKey] = hint }
        return info
    }

    private static let kindCodes: [Kind: Int] = {
        let kinds: [Kind] = [
            .connectionFailed, .authenticationFailed, .syntaxError, .undefinedTable, .undefinedColumn,
            .uniqueViolation, .foreignKeyViolation, .notNullViolation, .checkViolation, .dataException,
            .transactionConflict, .timeout, .cancelled, .connectionLost, .permissionDenied, .invalidConfiguration,
            .invalidParameters, .typeMismatch, .misuse, .unsupported, .other,
        ]
        return Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($0.element, $0.offset + 1) })
    }()
}
