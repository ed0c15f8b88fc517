extension ConnectionConfiguration {
    /// Parses an ADO.NET connection string as the Azure portal shows it, for SQL Server (SqlClient) or PostgreSQL
    /// (Npgsql):
    ///
    /// ```
    /// Server=tcp:myserver.database.windows.net,1433;Initial Catalog=mydb;Persist Security Info=False;
    ///   User ID=myuser;Password=mypassword;MultipleActiveResultSets=False;Encrypt=True;
    ///   TrustServerCertificate=False;Connection Timeout=30;
    /// Server=mydemoserver.postgres.database.azure.com;Database=postgres;Port=5432;User Id=mylogin@mydemoserver;
    ///   Password=...;Ssl Mode=Require;
    /// ```
    ///
    /// Keys are case-insensitive and spaces inside them do not matter. Synonyms: `Server`/`Data Source`/`Address`/
    /// `Addr`/`Network Address`/`Host`; `Initial Catalog`/`Database`; `User ID`/`UID`/`User`/`Username`/`User Name`;
    /// `Password`/`PWD`; `Connect Timeout`/`Connection Timeout`/`Timeout`; `Command Timeout`;
    /// `Application Name`/`App`; `Port`; `Ssl Mode`/`SslMode`; `Root Certificate`. The server may be written
    /// `tcp:host,port` and `host\instance`.
    ///
    /// TLS: `Ssl Mode` maps by name (`Disable` … `VerifyFull`). `Encrypt=True` (or `Mandatory`, `Yes`) with
    /// `TrustServerCertificate=False` is ``TLSMode/verifyFull``; with `TrustServerCertificate=True` it is
    /// ``TLSMode/require``; `Encrypt=Strict` is ``TLSMode/verifyFull``; `Encrypt=False`/`Optional` is
    /// ``TLSMode/prefer`` (encrypt when the server offers). Without `Encrypt` or `Ssl Mode`, ``tls`` is
    /// ``TLSMode/prefer``.
    ///
    /// ``backend``: SqlClient-only keys (`Initial Catalog`, `Data Source`, `Encrypt`, `UID`, `Connect Timeout`,
    /// `MultipleActiveResultSets`, …) or a `tcp:`, `,port` or `\instance` server make it
    /// ``DatabaseBackend/sqlServer``; Npgsql-only keys (`Host`, `Port`, `Ssl Mode`, `Username`, …) make it
    /// ``DatabaseBackend/postgresql``; otherwise it stays `nil`. Every other recognised key is honoured or refused
    /// (`ConnectionSettingKeys`): `ConnectRetryCount`/`ConnectRetryInterval` set ``connectRetry``;
    /// `ApplicationIntent` sets ``applicationIntent``; `Authentication` sets ``authentication``; `Pooling`,
    /// `Max Pool Size`, `Min Pool Size`, `Connection Lifetime`/`Load Balance Timeout` and `Connection Idle
    /// Lifetime` set ``pooling``; `Packet Size`, `Workstation ID`, `Current Language` and the Npgsql keys with a
    /// libpq equivalent (`Search Path`, `Keepalive`, `SSL Certificate`, `Target Session Attributes`, …) go to
    /// ``options`` under the name the driver reads; keys that would not take effect (`MultipleActiveResultSets=True`,
    /// `Failover Partner`, `Integrated Security=True`, …) fail with the reason. The README has the whole table.
    ///
    /// Throws ``DatabaseError/Kind/invalidConfiguration`` for an unknown key (named, so typos show), a malformed
    /// value or quote (with its character position), or keys of both families; never showing the password.
    public init(connectionString: String) throws {
        self.init()
        var sqlServerEvidence: String?
        var postgresEvidence: String?
        var encrypt: String?
        var trustServerCertificate: String?
        var sslMode: String?
        var previousWasSecret = false

        for pair in try ADONetConnectionStringParser.pairs(in: connectionString) {
            defer { previousWasSecret = ADONetConnectionStringParser.isSecretKey(pair.key) }
            let folded = ADONetConnectionStringParser.normalize(pair.key)
            guard let (field, family) = ADONetKeys.table[folded] else {
                let named = previousWasSecret ? "after the password" : "'\(pair.key)'"
                let hint = previousWasSecret ? " (enclose a password that contains ';' in double quotes)" : ""
                throw DatabaseError.invalidConfiguration(
                    "unknown key \(named) at character \(pair.position) in connection string\(hint)")
            }
            switch family {
            case .sqlServer: sqlServerEvidence = sqlServerEvidence ?? "'\(pair.key)'"
            case .postgresql: postgresEvidence = postgresEvidence ?? "'\(pair.key)'"
            case .common: break
            }
            let value = pair.value
            if value.isEmpty && field != .password { continue }
            switch field {
            case .server:
                let server = try ADONetKeys.parseServer(value, key: pair.key)
                host = server.host
                if let serverPort = server.port { port = serverPort }
                instanceName = server.instance
                if let evidence = server.sqlServerEvidence { sqlServerEvidence = sqlServerEvidence ?? evidence }
            case .port: port = try ConfigurationText.port(value, in: "connection string")
            case .database: database = value
            case .user: user = value
            case .password: password = Secret(value)
            case .connectTimeout:
                connectTimeout = try ConfigurationText.seconds(value, key: pair.key, in: "connection string")
            case .commandTimeout:
                queryTimeout = try ConfigurationText.seconds(value, key: pair.key, in: "connection string")
            case .applicationName: applicationName = value
            case .encrypt:
                _ = try ConfigurationText.sqlServerTLS(
                    encrypt: value, trustServerCertificate: false, key: pair.key, in: "connection string")
                encrypt = value
            case .trustServerCertificate:
                _ = try ConfigurationText.bool(value, key: pair.key, in: "connection string")
                trustServerCertificate = value
            case .sslMode:
                _ = try ConfigurationText.tlsMode(value, key: "Ssl Mode")
                sslMode = value
            case .rootCertificate: tlsRootCertificatePath = value
            case .setting: try ConnectionSettingKeys.applyADONet(folded, key: pair.key, value: value, to: &self)
            }
        }

        if let sqlServerEvidence, let postgresEvidence {
            throw DatabaseError.invalidConfiguration(
                "the connection string mixes SQL Server keys (\(sqlServerEvidence)) and PostgreSQL keys "
                    + "(\(postgresEvidence))")
        }
        backend = sqlServerEvidence != nil ? .sqlServer : postgresEvidence != nil ? .postgresql : nil
        let trusts = try trustServerCertificate.map {
            try ConfigurationText.bool($0, key: "TrustServerCertificate", in: "connection string")
        }
        if let sslMode {
            tls = try ConfigurationText.tlsMode(sslMode, key: "Ssl Mode")
            // Npgsql: trusting the server certificate means no verification.
            if trusts == true && (tls == .verifyCA || tls == .verifyFull) { tls = .require }
        } else if let encrypt {
            tls = try ConfigurationText.sqlServerTLS(
                encrypt: encrypt, trustServerCertificate: trusts ?? false, key: "Encrypt", in: "connection string")
        }
    }
}

/// The ADO.NET keys SqlClient and Npgsql know, and what each sets.
enum ADONetKeys {
    /// The field a key sets.
    enum Field {
        case server, port, database, user, password, connectTimeout, commandTimeout, applicationName
        case encrypt, trustServerCertificate, sslMode, rootCertificate
        /// Known, with no field of its own: honoured or refused by ``ConnectionSettingKeys``.
        case setting
    }

    /// Which driver family knows a key.
    enum Family {
        case common, sqlServer, postgresql
    }

    /// Keys folded by ``ADONetConnectionStringParser/normalize(_:)``.
    static let table: [String: (Field, Family)] = {
        var table: [String: (Field, Family)] = [:]
        func add(_ family: Family, _ field: Field, _ keys: String...) {
            for key in keys { table[key] = (field, family) }
        }
        add(.common, .server, "server")
        add(.sqlServer, .server, "datasource", "address", "addr", "networkaddress")
        add(.postgresql, .server, "host")
        add(.postgresql, .port, "port")
        add(.common, .database, "database")
        add(.sqlServer, .database, "initialcatalog")
        add(.common, .user, "userid", "user")
        add(.sqlServer, .user, "uid")
        add(.postgresql, .user, "username")
        add(.common, .password, "password", "pwd")
        add(.postgresql, .password, "psw")
        add(.common, .connectTimeout, "timeout")
        add(.sqlServer, .connectTimeout, "connecttimeout", "connectiontimeout")
        add(.common, .commandTimeout, "commandtimeout")
        add(.common, .applicationName, "applicationname")
        add(.sqlServer, .applicationName, "app")
        add(.sqlServer, .encrypt, "encrypt")
        add(.common, .trustServerCertificate, "trustservercertificate")
        add(.postgresql, .sslMode, "sslmode")
        add(.postgresql, .rootCertificate, "rootcertificate")
        add(
            .common, .setting, "persistsecurityinfo", "pooling", "minpoolsize", "maxpoolsize",
            "integratedsecurity", "enlist", "connectionlifetime", "connectretrycount",
            "connectretryinterval", "applicationintent", "authentication")
        // Npgsql's names for the automatic prepared-statement cache, which both drivers have.
        add(.common, .setting, "maxautoprepare", "autoprepareminusages")
        add(
            .sqlServer, .setting, "multipleactiveresultsets", "trustedconnection", "trusted_connection",
            "multisubnetfailover", "packetsize", "workstationid", "wsid", "failoverpartner",
            "columnencryptionsetting", "currentlanguage",
            "language", "hostnameincertificate", "servercertificate", "loadbalancetimeout",
            "transparentnetworkipresolution", "poolblockingperiod", "ipaddresspreference", "typesystemversion",
            "transactionbinding", "replication", "userinstance", "attachdbfilename", "networklibrary", "network",
            "net", "contextconnection", "asynchronousprocessing", "async")
        add(
            .postgresql, .setting, "searchpath", "keepalive", "tcpkeepalive", "includeerrordetail",
            "sslcertificate", "sslkey", "sslpassword", "encoding",
            "clientencoding", "timezone", "options", "targetsessionattributes", "loadbalancehosts",
            "servercompatibilitymode", "readbuffersize", "writebuffersize", "noresetonclose", "multiplexing",
            "kerberosservicename", "includerealm", "checkcertificaterevocation", "internalcommandtimeout",
            "cancellationtimeout", "connectionidlelifetime", "connectionpruninginterval", "passfile",
            "sslnegotiation", "gssencryptionmode", "channelbinding", "maximumpoolsize", "minimumpoolsize")
        return table
    }()

    /// The parts of a `Server=` value: `[tcp:]host[\instance][,port]`.
    struct Server {
        var host: String
        var port: Int?
        var instance: String?
        /// What in the value marks it as SQL Server's syntax, for error messages.
        var sqlServerEvidence: String?
    }

    /// Parses `[tcp:]host[\instance][,port]`; `(local)` and `.` mean `localhost`.
    static func parseServer(_ value: String, key: String) throws -> Server {
        var text = Substring(value)
        var evidence: String?
        if let colon = text.firstIndex(of: ":"), !text.hasPrefix("[") {
            let prefix = text[..<colon].lowercased()
            switch prefix {
            case "tcp":
                evidence = "'tcp:' in '\(key)'"
                text = text[text.index(after: colon)...]
            case "np", "lpc", "admin":
                throw DatabaseError.invalidConfiguration(
                    "unsupported protocol '\(prefix):' in key '\(key)' (only tcp: is supported)")
            default: break
            }
        }
        var port: Int?
        if let comma = text.lastIndex(of: ",") {
            let portText = text[text.index(after: comma)...].trimmingASCIIWhitespace()
            port = try ConfigurationText.port(portText, in: "key '\(key)' of the connection string")
            text = text[..<comma]
            evidence = evidence ?? "',port' in '\(key)'"
        }
        let (host, instance) = ConfigurationText.splitInstance(String(text).trimmingASCIIWhitespace())
        if instance != nil { evidence = evidence ?? "'\\instance' in '\(key)'" }
        guard !host.isEmpty else {
            throw DatabaseError.invalidConfiguration("empty host in key '\(key)' of the connection string")
        }
        let isLocal = host == "." || host.lowercased() == "(local)"
        return Server(host: isLocal ? "localhost" : host, port: port, instance: instance, sqlServerEvidence: evidence)
    }
}
