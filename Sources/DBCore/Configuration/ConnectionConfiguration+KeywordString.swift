extension ConnectionConfiguration {
    /// Parses a libpq keyword/value connection string, such as
    /// `host=db.example.com port=5432 dbname=inventory user=app password='p w\'x' sslmode=require`.
    ///
    /// The quoting rules are libpq's: pairs are separated by whitespace, spaces around `=` are allowed, a value is
    /// either a run of non-space characters or a single-quoted string, and inside either a backslash escapes the
    /// next character (`\'`, `\\`). The keys `host`, `hostaddr`, `port`, `dbname`, `user`, `password`, `sslmode`,
    /// `sslrootcert`, `connect_timeout` and `application_name` set the matching fields (`hostaddr` also goes to
    /// ``options`` and is the host when no `host` is given); `connect_retry_count` and `connect_retry_interval` set
    /// ``connectRetry``; any other libpq keyword goes to ``options`` unchanged, and a key libpq does not know
    /// fails, naming it.
    /// ``backend`` is ``DatabaseBackend/postgresql``.
    ///
    /// Throws ``DatabaseError/Kind/invalidConfiguration`` naming the bad key and the character position (never
    /// the password).
    public init(keywordString: String) throws {
        self.init(backend: .postgresql)
        var hostaddr: String?
        var sawHost = false
        for pair in try KeywordStringParser.pairs(in: keywordString) {
            let value = pair.value
            switch pair.key {
            case "host":
                host = value.isEmpty ? "localhost" : value
                sawHost = true
            case "hostaddr":
                hostaddr = value
                options["hostaddr"] = value
            case "port":
                port = value.isEmpty ? nil : try ConfigurationText.port(value, in: "connection string")
            case "dbname": database = value.isEmpty ? nil : value
            case "user": user = value.isEmpty ? nil : value
            case "password": password = Secret(value)
            case "sslmode": tls = try ConfigurationText.tlsMode(value)
            case "sslrootcert": tlsRootCertificatePath = value
            case "connect_timeout":
                connectTimeout = try ConfigurationText.seconds(value, key: "connect_timeout", in: "connection string")
            case "application_name": applicationName = value
            case "connect_retry_count", "connect_retry_interval":
                try ConnectionSettingKeys.applyCommon(
                    pair.key, key: pair.key, value: value, source: "connection string", to: &self)
            default:
                guard
                    KeywordStringParser.libpqKeywords.contains(pair.key)
                        || StatementCacheSettings.optionNames.contains(pair.key)
                else {
                    throw DatabaseError.invalidConfiguration(
                        "unknown key '\(pair.key)' in connection string: libpq has no such keyword")
                }
                options[pair.key] = value
            }
        }
        if !sawHost, let hostaddr, !hostaddr.isEmpty { host = hostaddr }
    }
}

/// Splits a libpq keyword/value string into its pairs.
enum KeywordStringParser {
    /// One `key=value` pair, the value unquoted and unescaped.
    struct Pair {
        var key: String
        var value: String
    }

    /// The connection keywords libpq knows (case-sensitive, as libpq matches them).
    static let libpqKeywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth", "channel_binding",
        "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "replication", "gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword",
        "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
        "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service", "target_session_attrs",
        "load_balance_hosts",
    ]

    private static func isSpace(_ c: Character) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}"
    }

    /// The pairs in order; throws with the key and 1-based character position of the first malformation.
    static func pairs(in text: String) throws -> [Pair] {
        let characters = Array(text)
        var pairs: [Pair] = []
        var index = 0
        var previousWasPassword = false
        func skipSpaces() { while index < characters.count && isSpace(characters[index]) { index += 1 } }

        while true {
            skipSpaces()
            guard index < characters.count else { break }
            let keyStart = index
            while index < characters.count && characters[index] != "=" && !isSpace(characters[index]) { index += 1 }
            let key = String(characters[keyStart..<index])
            skipSpaces()
            // After an unquoted password, a stray word may be the rest of a password with a space in it: never echo it.
            let shownKey = previousWasPassword ? "after 'password'" : "'\(key)'"
            guard index < characters.count, characters[index] == "=" else {
                let hint = previousWasPassword ? " (quote a password that contains spaces: password='…')" : ""
                throw DatabaseError.invalidConfiguration(
                    "missing '=' after key \(shownKey) at character \(keyStart + 1) in connection string\(hint)")
            }
            guard !key.isEmpty else {
                throw DatabaseError.invalidConfiguration(
                    "missing key before '=' at character \(index + 1) in connection string")
            }
            index += 1
            skipSpaces()
            var value = ""
            if index < characters.count && characters[index] == "'" {
                let quoteStart = index
                index += 1
                var closed = false
                while index < characters.count {
                    let c = characters[index]
                    if c == "\\" {
                        index += 1
                        if index < characters.count { value.append(characters[index]) }
                        index += 1
                    } else if c == "'" {
                        index += 1
                        closed = true
                        break
                    } else {
                        value.append(c)
                        index += 1
                    }
                }
                guard closed else {
                    throw DatabaseError.invalidConfiguration(
                        "unterminated quoted value for key \(shownKey) at character \(quoteStart + 1) "
                            + "in connection string")
                }
                previousWasPassword = false
            } else {
                while index < characters.count && !isSpace(characters[index]) {
                    if characters[index] == "\\" {
                        index += 1
                        if index < characters.count { value.append(characters[index]) }
                        index += 1
                    } else {
                        value.append(characters[index])
                        index += 1
                    }
                }
                previousWasPassword = key == "password"
            }
            pairs.append(Pair(key: key, value: value))
        }
        return pairs
    }
}
