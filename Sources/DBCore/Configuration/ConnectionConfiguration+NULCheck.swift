extension ConnectionConfiguration {
    /// Throws ``DatabaseError/Kind/invalidConfiguration`` when a text field holds a NUL character (U+0000).
    ///
    /// The C libraries under the drivers (libpq, DB-Library) take text as NUL-terminated C strings, so a NUL would
    /// silently cut the value short: a password `"secret\0ignored"` would sign in as `"secret"`. Drivers call this
    /// before any field reaches C. The error names the field (and an option's key), never the value.
    public func checkNoNULCharacters() throws {
        try Self.checkNoNUL(host, field: "host")
        try Self.checkNoNUL(instanceName, field: "instance name")
        try Self.checkNoNUL(database, field: "database")
        try Self.checkNoNUL(user, field: "user")
        try Self.checkNoNUL(password?.revealed, field: "password")
        try Self.checkNoNUL(tlsRootCertificatePath, field: "TLS root certificate path")
        try Self.checkNoNUL(applicationName, field: "application name")
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            if key.utf8.contains(0) {
                throw DatabaseError.invalidConfiguration(
                    "an option key contains a NUL character (U+0000), which the C library would cut short")
            }
            try Self.checkNoNUL(value, field: "option '\(key)'")
        }
    }

    /// Throws when `value` contains a NUL; the message names `field` only.
    static func checkNoNUL(_ value: String?, field: String) throws {
        guard let value, value.utf8.contains(0) else { return }
        throw DatabaseError.invalidConfiguration(
            "the \(field) contains a NUL character (U+0000), which the C library would cut short; "
                + "the connection was not attempted")
    }
}

extension DatabaseError {
    /// Throws ``DatabaseError/Kind/invalidParameters`` when `text`, which a driver is about to hand to its C library
    /// as a NUL-terminated string, contains a NUL character (U+0000): C would silently run only the part before it.
    /// `what` names the text (`the SQL text`, `the procedure name`); the error gives the NUL's 1-based character
    /// position, never the text itself.
    public static func checkNoNUL(in text: String, what: String, statement: String? = nil) throws {
        // A native string's bytes scanned in place: the generic `UTF8View.contains` costs about 30 instructions a
        // byte.
        let found = text.utf8.withContiguousStorageIfAvailable { $0.contains(0) }
        guard found ?? text.utf8.contains(0) else { return }
        let position = (text.firstIndex(of: "\0").map { text.distance(from: text.startIndex, to: $0) } ?? 0) + 1
        throw DatabaseError(
            kind: .invalidParameters,
            message: "\(what) contains a NUL character (U+0000) at character \(position), which the C library "
                + "would cut short; nothing was sent",
            statement: statement.map { $0.replacingNULs() })
    }
}

extension String {
    /// The text with each NUL shown as `\0`, for error messages.
    func replacingNULs() -> String {
        guard utf8.contains(0) else { return self }
        return String(unicodeScalars.map { $0 == "\0" ? "\\0" : String($0) }.joined())
    }
}
