extension ConnectionConfiguration {
    /// The port used when ``port`` is `nil`: 1433 for SQL Server, 5432 otherwise (PostgreSQL, or no backend known).
    public var defaultPort: Int { backend == .sqlServer ? 1433 : 5432 }

    /// The port to connect to: ``port``, or ``defaultPort`` when none was given.
    public var effectivePort: Int { port ?? defaultPort }

    /// Parses a connection string in whichever form it is written, telling the forms apart by their shape:
    ///
    /// - a URL scheme (`postgresql://`, `postgres://`, `sqlserver://`, `mssql://`) → ``init(url:)``;
    /// - `key=value` pairs separated by spaces before any `;` (`host=h dbname=d`) → a libpq keyword string,
    ///   ``init(keywordString:)``;
    /// - otherwise text with `;` and `=`, or a single pair whose key is an ADO.NET key but not a libpq keyword
    ///   (`Server=h`) → an ADO.NET connection string, ``init(connectionString:)``;
    /// - any other text with `=` → a libpq keyword string.
    ///
    /// Throws ``DatabaseError/Kind/invalidConfiguration`` when the text fits none of them or is malformed.
    public init(parsing string: String) throws {
        let text = string.trimmingASCIIWhitespace()
        let firstSegment = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let pairsBeforeSemicolon = firstSegment.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .filter { $0.contains("=") && !$0.hasPrefix("=") }.count
        let firstKey = String(text.prefix(while: { $0 != "=" })).trimmingASCIIWhitespace()
        let looksADONet =
            ADONetKeys.table[ADONetConnectionStringParser.normalize(firstKey)] != nil
            && !KeywordStringParser.libpqKeywords.contains(firstKey)
        if ConfigurationText.urlScheme(of: text) != nil {
            try self.init(url: text)
        } else if pairsBeforeSemicolon >= 2 {
            try self.init(keywordString: text)
        } else if text.contains("=") && (text.contains(";") || looksADONet) {
            try self.init(connectionString: text)
        } else if text.contains("=") {
            try self.init(keywordString: text)
        } else {
            throw DatabaseError.invalidConfiguration(
                "cannot tell the form of the connection string: expected a URL (postgresql://…, sqlserver://…), "
                    + "libpq key=value pairs, or an ADO.NET string of Key=Value; pairs")
        }
    }
}

/// Helpers the connection-string parsers share: value checks whose errors name the key and the offending text
/// (never a password).
enum ConfigurationText {
    /// The scheme of `text` (lowercased) if it starts with `scheme://`.
    static func urlScheme(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else { return nil }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return scheme.lowercased()
    }

    /// A TCP port, 1–65535.
    static func port(_ value: String, in source: String) throws -> Int {
        guard let port = Int(value), (1...65_535).contains(port), value.allSatisfy(\.isASCII) else {
            throw DatabaseError.invalidConfiguration("invalid port '\(value)' in \(source)")
        }
        return port
    }

    /// A libpq `sslmode` (also Npgsql's spellings `VerifyCA`, `VerifyFull`), case-insensitive.
    static func tlsMode(_ value: String, key: String = "sslmode") throws -> TLSMode {
        let folded = value.lowercased().filter { $0 != "-" && $0 != "_" }
        switch folded {
        case "disable": return .disable
        case "allow": return .allow
        case "prefer": return .prefer
        case "require": return .require
        case "verifyca": return .verifyCA
        case "verifyfull": return .verifyFull
        default:
            throw DatabaseError.invalidConfiguration(
                "unknown \(key) '\(value)' (expected disable, allow, prefer, require, verify-ca or verify-full)")
        }
    }

    /// A non-negative number of seconds (`connect_timeout`, `Connection Timeout`).
    static func seconds(_ value: String, key: String, in source: String) throws -> Double {
        guard let seconds = Double(value), seconds.isFinite, seconds >= 0, value.allSatisfy(\.isASCII) else {
            throw DatabaseError.invalidConfiguration(
                "invalid value '\(value)' for key '\(key)' in \(source): expected a number of seconds")
        }
        return seconds
    }

    /// `true`/`false`, `yes`/`no`, `1`/`0`, `on`/`off`, case-insensitive.
    static func bool(_ value: String, key: String, in source: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default:
            throw DatabaseError.invalidConfiguration(
                "invalid value '\(value)' for key '\(key)' in \(source): expected true or false")
        }
    }

    /// SQL Server's `Encrypt` setting with `TrustServerCertificate`, as a ``TLSMode``:
    ///
    /// - `Encrypt=True`/`Mandatory`/`Yes` with `TrustServerCertificate=False` (or absent) → ``TLSMode/verifyFull``;
    /// - `Encrypt=True` with `TrustServerCertificate=True` → ``TLSMode/require``;
    /// - `Encrypt=Strict` → ``TLSMode/verifyFull`` (strict mode always verifies);
    /// - `Encrypt=False`/`Optional`/`No` → ``TLSMode/prefer`` (encrypt when the server offers, as FreeTDS does).
    static func sqlServerTLS(
        encrypt: String, trustServerCertificate: Bool, key: String, in source: String
    ) throws
        -> TLSMode
    {
        switch encrypt.lowercased() {
        case "true", "yes", "mandatory", "1", "on": return trustServerCertificate ? .require : .verifyFull
        case "strict": return .verifyFull
        case "false", "no", "optional", "0", "off": return .prefer
        default:
            throw DatabaseError.invalidConfiguration(
                "invalid value '\(encrypt)' for key '\(key)' in \(source): "
                    + "expected True, False, Mandatory, Optional or Strict")
        }
    }

    /// Splits SQL Server's `host\instance` form.
    static func splitInstance(_ host: String) -> (host: String, instance: String?) {
        guard let slash = host.firstIndex(of: "\\") else { return (host, nil) }
        let instance = String(host[host.index(after: slash)...])
        return (String(host[..<slash]), instance.isEmpty ? nil : instance)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
