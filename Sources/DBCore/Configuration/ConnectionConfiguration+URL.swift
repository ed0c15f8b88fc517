extension ConnectionConfiguration {
    /// Parses a connection URL.
    ///
    /// **PostgreSQL** (`postgresql://` or `postgres://`), following libpq's URI rules:
    /// `postgresql://[user[:password]@][host][:port][/dbname][?key=value&…]`. Every part is percent-decoded; an IPv6
    /// host is written in brackets (`[::1]`). Query keys `sslmode`, `sslrootcert`, `connect_timeout`,
    /// `application_name`, `host`, `port`, `dbname`, `user` and `password` set the matching fields;
    /// `connect_retry_count` and `connect_retry_interval` set ``connectRetry``; any other libpq keyword goes to
    /// ``options`` unchanged (e.g. `target_session_attrs`, `hostaddr`, `options`), and a key libpq does not know
    /// fails, naming it. Without a host, ``host`` is `localhost`. Only a single host is supported.
    ///
    /// **SQL Server** (`sqlserver://` or `mssql://`), the same shape:
    /// `sqlserver://[user[:password]@]host[:port][/database][?key=value&…]`. A named instance is written as
    /// `host%5Cinstance` (percent-encoded backslash) or with the `instance` query key. Query keys, case-insensitive:
    /// `encrypt` (`true`, `false`, `mandatory`, `optional`, `strict`), `trustServerCertificate`, `instance`,
    /// `database`, `user`, `password`, `applicationName` (or `app`), `connectTimeout` (or `loginTimeout`),
    /// `sslmode`, `sslrootcert`, `tds_version`, `browser_port`, and the ADO.NET keys written without spaces
    /// (`applicationIntent`, `connectRetryCount`, `connectRetryInterval`, `authentication`, `packetSize`,
    /// `workstationID`, `language`, `pooling`, `maxPoolSize`, `minPoolSize`, `connectionLifetime`, …), honoured or
    /// refused as in ``init(connectionString:)``; any other key fails, naming it. `encrypt=true` verifies the
    /// certificate
    /// (``TLSMode/verifyFull``) unless `trustServerCertificate=true` (``TLSMode/require``); `encrypt=false` is
    /// ``TLSMode/prefer``. Example: `sqlserver://sa:p%40ss@db.example.com:1433/inventory?encrypt=true`.
    ///
    /// Throws ``DatabaseError/Kind/invalidConfiguration`` naming the bad part (never the password).
    public init(url: String) throws {
        var parser = URLParser(text: url.trimmingASCIIWhitespace())
        self = try parser.parse()
    }
}

/// The state of one URL parse; positions in errors are 1-based characters of the URL.
private struct URLParser {
    let characters: [Character]

    init(text: String) { self.characters = Array(text) }

    mutating func parse() throws -> ConnectionConfiguration {
        let text = String(characters)
        guard let scheme = ConfigurationText.urlScheme(of: text) else {
            throw DatabaseError.invalidConfiguration("not a URL: expected scheme://… such as postgresql://host/db")
        }
        var configuration = ConnectionConfiguration()
        switch scheme {
        case "postgresql", "postgres": configuration.backend = .postgresql
        case "sqlserver", "mssql": configuration.backend = .sqlServer
        default:
            throw DatabaseError.invalidConfiguration(
                "unsupported URL scheme '\(scheme)' (expected postgresql, postgres, sqlserver or mssql)")
        }
        let start = scheme.count + 3
        let queryStart = characters[start...].firstIndex(of: "?") ?? characters.count
        let pathStart = characters[start..<queryStart].firstIndex(of: "/") ?? queryStart
        try parseAuthority(start..<pathStart, into: &configuration)
        if pathStart < queryStart {
            let database = try decode((pathStart + 1)..<queryStart, what: "database name")
            if !database.isEmpty { configuration.database = database }
        }
        if queryStart < characters.count {
            try parseQuery((queryStart + 1)..<characters.count, into: &configuration)
        }
        return configuration
    }

    /// `[user[:password]@]host[:port]`.
    private func parseAuthority(_ range: Range<Int>, into configuration: inout ConnectionConfiguration) throws {
        var hostStart = range.lowerBound
        if let at = characters[range].lastIndex(of: "@") {
            let colon = characters[range.lowerBound..<at].firstIndex(of: ":")
            let user = try decode(range.lowerBound..<(colon ?? at), what: "user name")
            if !user.isEmpty { configuration.user = user }
            if let colon {
                let password = try decode((colon + 1)..<at, what: "password", secret: true)
                configuration.password = Secret(password)
            }
            hostStart = at + 1
        }
        var portStart: Int?
        var host: String
        if hostStart < range.upperBound && characters[hostStart] == "[" {
            guard let close = characters[hostStart..<range.upperBound].firstIndex(of: "]") else {
                throw DatabaseError.invalidConfiguration(
                    "unterminated IPv6 address: '[' at character \(hostStart + 1) has no ']' in URL")
            }
            host = try decode((hostStart + 1)..<close, what: "host")
            if close + 1 < range.upperBound {
                guard characters[close + 1] == ":" else {
                    throw DatabaseError.invalidConfiguration(
                        "unexpected character '\(characters[close + 1])' at character \(close + 2) after the IPv6 "
                            + "address in URL")
                }
                portStart = close + 2
            }
        } else {
            let colon = characters[hostStart..<range.upperBound].firstIndex(of: ":")
            host = try decode(hostStart..<(colon ?? range.upperBound), what: "host")
            if let colon {
                if characters[(colon + 1)..<range.upperBound].contains(":") {
                    throw DatabaseError.invalidConfiguration(
                        "unexpected ':' at character \(colon + 1) in URL; write an IPv6 host in brackets, e.g. [::1]")
                }
                portStart = colon + 1
            }
        }
        if host.contains(",") || String(characters[range]).contains(",") {
            throw DatabaseError.invalidConfiguration("multiple hosts (',' in the host part) are not supported in URL")
        }
        if let portStart {
            let port = String(characters[portStart..<range.upperBound])
            if !port.isEmpty { configuration.port = try ConfigurationText.port(port, in: "URL") }
        }
        if configuration.backend == .sqlServer {
            let (name, instance) = ConfigurationText.splitInstance(host)
            host = name
            configuration.instanceName = instance
        }
        configuration.host = host.isEmpty ? "localhost" : host
    }

    /// `key=value&key=value`.
    private func parseQuery(_ range: Range<Int>, into configuration: inout ConnectionConfiguration) throws {
        var encrypt: String?
        var trustServerCertificate = false
        var pairStart = range.lowerBound
        while pairStart < range.upperBound {
            let pairEnd = characters[pairStart..<range.upperBound].firstIndex(of: "&") ?? range.upperBound
            defer { pairStart = pairEnd + 1 }
            if pairStart == pairEnd { continue }
            guard let equals = characters[pairStart..<pairEnd].firstIndex(of: "=") else {
                let key = try decode(pairStart..<pairEnd, what: "query key")
                throw DatabaseError.invalidConfiguration(
                    "query parameter '\(key)' at character \(pairStart + 1) has no '=value' in URL")
            }
            let key = try decode(pairStart..<equals, what: "query key")
            guard !key.isEmpty else {
                throw DatabaseError.invalidConfiguration("empty query key at character \(pairStart + 1) in URL")
            }
            let isPassword = key.lowercased() == "password"
            let value = try decode((equals + 1)..<pairEnd, what: "value of '\(key)'", secret: isPassword)
            switch (configuration.backend, key.lowercased()) {
            case (_, "host"):
                configuration.host = value
            case (_, "port"):
                configuration.port = try ConfigurationText.port(value, in: "URL")
            case (_, "user"), (.sqlServer, "username"):
                configuration.user = value
            case (_, "password"):
                configuration.password = Secret(value)
            case (_, "sslmode"):
                configuration.tls = try ConfigurationText.tlsMode(value)
            case (_, "sslrootcert"):
                configuration.tlsRootCertificatePath = value
            case (_, "connect_timeout"), (.sqlServer, "connecttimeout"), (.sqlServer, "logintimeout"):
                configuration.connectTimeout = try ConfigurationText.seconds(value, key: key, in: "URL")
            case (_, "application_name"), (.sqlServer, "applicationname"), (.sqlServer, "app"):
                configuration.applicationName = value
            case (.postgresql, "dbname"), (.sqlServer, "database"), (.sqlServer, "databasename"):
                configuration.database = value
            case (.sqlServer, "instance"), (.sqlServer, "instancename"):
                configuration.instanceName = value.isEmpty ? nil : value
            case (.sqlServer, "encrypt"):
                encrypt = value
                _ = try ConfigurationText.sqlServerTLS(
                    encrypt: value, trustServerCertificate: false, key: key, in: "URL")
            case (.sqlServer, "trustservercertificate"):
                trustServerCertificate = try ConfigurationText.bool(value, key: key, in: "URL")
            case (.postgresql, "connect_retry_count"), (.postgresql, "connect_retry_interval"):
                try ConnectionSettingKeys.applyCommon(key, key: key, value: value, source: "URL", to: &configuration)
            case (.postgresql, _):
                guard
                    KeywordStringParser.libpqKeywords.contains(key) || StatementCacheSettings.optionNames.contains(key)
                else {
                    throw DatabaseError.invalidConfiguration(
                        "unknown query key '\(key)' in URL: libpq has no such keyword")
                }
                configuration.options[key] = value
            case (.sqlServer, StatementCacheSettings.thresholdOption),
                (.sqlServer, StatementCacheSettings.capacityOption):
                configuration.options[key.lowercased()] = value
            case (.sqlServer, "tds_version"), (.sqlServer, "tdsversion"):
                configuration.options["tds_version"] = value
            case (.sqlServer, "browser_port"), (.sqlServer, "browserport"):
                configuration.options["browser_port"] = value
            case (.sqlServer, "packetsize"), (.sqlServer, "workstationid"), (.sqlServer, "language"),
                (.sqlServer, "multisubnetfailover"), (.sqlServer, "failoverpartner"),
                (.sqlServer, "multipleactiveresultsets"), (.sqlServer, "integratedsecurity"):
                try ConnectionSettingKeys.applyADONet(key.lowercased(), key: key, value: value, to: &configuration)
            case (.sqlServer, let folded):
                try ConnectionSettingKeys.applyCommon(folded, key: key, value: value, source: "URL", to: &configuration)
            default:
                throw DatabaseError.invalidConfiguration("unknown query key '\(key)' in URL")
            }
        }
        if let encrypt {
            configuration.tls = try ConfigurationText.sqlServerTLS(
                encrypt: encrypt, trustServerCertificate: trustServerCertificate, key: "encrypt", in: "URL")
        }
    }

    /// Percent-decodes `characters[range]`. Errors give the position; a `secret` part is never echoed.
    private func decode(_ range: Range<Int>, what: String, secret: Bool = false) throws -> String {
        var bytes: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let character = characters[index]
            if character == "%" {
                guard index + 2 < range.upperBound, characters[index + 1].isASCII, characters[index + 2].isASCII,
                    let high = characters[index + 1].hexDigitValue,
                    let low = characters[index + 2].hexDigitValue
                else {
                    let shown = secret ? "" : " '\(String(characters[index..<min(index + 3, range.upperBound)]))'"
                    throw DatabaseError.invalidConfiguration(
                        "invalid percent-encoding\(shown) at character \(index + 1) in the \(what) of the URL")
                }
                bytes.append(UInt8(high * 16 + low))
                index += 3
            } else {
                bytes.append(contentsOf: character.utf8)
                index += 1
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatabaseError.invalidConfiguration("the percent-encoded \(what) in the URL is not valid UTF-8")
        }
        return text
    }
}
