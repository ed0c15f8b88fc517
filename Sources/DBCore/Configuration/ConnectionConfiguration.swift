/// Everything needed to open a connection, independent of how it was written down.
///
/// Build one in code, or parse one from the forms users have: the quickstarts' environment variables
/// (``fromEnvironment(_:backend:)``), URLs (`postgresql://…`, `sqlserver://…`), libpq keyword strings
/// (`host=… dbname=…`) and ADO.NET connection strings as the Azure portal shows them (`Server=tcp:…;…`).
/// Its `description` never shows the password.
public struct ConnectionConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The database family, when the source says (a URL scheme, an ADO.NET `Server=` string); `nil` otherwise.
    public var backend: DatabaseBackend?
    /// The server's host name or address.
    public var host: String
    /// The TCP port; `nil` for the default (5432 for PostgreSQL, 1433 for SQL Server).
    public var port: Int?
    /// A SQL Server named instance (`host\instance`); `nil` for the default instance.
    public var instanceName: String?
    /// The database to open; `nil` for the server's default for the user.
    public var database: String?
    /// The login name.
    public var user: String?
    /// The password; never printed.
    public var password: Secret?
    /// Whether and how to use TLS.
    public var tls: TLSMode
    /// A file with the CA certificates that verify the server (`sslrootcert`), for ``TLSMode/verifyCA`` and
    /// ``TLSMode/verifyFull``.
    public var tlsRootCertificatePath: String?
    /// The longest wait for the connection and login, in seconds; `nil` for the driver's default.
    public var connectTimeout: Double?
    /// The longest a statement may run, in seconds, before the server or driver cancels it; `nil` for no limit.
    public var queryTimeout: Double?
    /// The application name the server records for the session.
    public var applicationName: String?
    /// Further settings the common fields do not cover, passed to the driver by name (e.g. libpq keywords such as
    /// `target_session_attrs`, or SQL Server `tds_version`).
    public var options: [String: String]
    /// How a connect that fails with a transient fault (a failover, a restart) is retried: 1 retry after 10 s by
    /// default, as ADO.NET's `ConnectRetryCount` / `ConnectRetryInterval`; ``ConnectRetryPolicy/none`` for one
    /// attempt. Statements are never retried.
    public var connectRetry: ConnectRetryPolicy = .default
    /// Reads and writes (the default), or reads only: ``ApplicationIntent``.
    public var applicationIntent: ApplicationIntent = .readWrite
    /// How to sign in; `nil` (or ``AuthenticationMethod/password``) for user and password.
    public var authentication: AuthenticationMethod?
    /// Pool settings from the connection string, applied by ``ConnectionPools``.
    public var pooling = PoolingOptions()

    /// Creates a configuration.
    public init(
        backend: DatabaseBackend? = nil, host: String = "localhost", port: Int? = nil, instanceName: String? = nil,
        database: String? = nil, user: String? = nil, password: Secret? = nil, tls: TLSMode = .prefer,
        tlsRootCertificatePath: String? = nil, connectTimeout: Double? = nil, queryTimeout: Double? = nil,
        applicationName: String? = nil, options: [String: String] = [:]
    ) {
        self.backend = backend
        self.host = host
        self.port = port
        self.instanceName = instanceName
        self.database = database
        self.user = user
        self.password = password
        self.tls = tls
        self.tlsRootCertificatePath = tlsRootCertificatePath
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
        self.applicationName = applicationName
        self.options = options
    }

    /// The settings, with the password shown as `********`.
    public var description: String {
        var parts = ["host=\(host)"]
        if let port { parts.append("port=\(port)") }
        if let instanceName { parts.append("instance=\(instanceName)") }
        if let database { parts.append("database=\(database)") }
        if let user { parts.append("user=\(user)") }
        if password != nil { parts.append("password=********") }
        parts.append("tls=\(tls.rawValue)")
        if let backend { parts.insert("backend=\(backend.rawValue)", at: 0) }
        return "ConnectionConfiguration(" + parts.joined(separator: " ") + ")"
    }
}

/// Whether and how a connection uses TLS. The names are libpq's `sslmode` values.
public enum TLSMode: String, Sendable, Hashable, CaseIterable {
    /// Never TLS.
    case disable
    /// Plain first; TLS if the server demands it.
    case allow
    /// TLS if the server offers it, else plain (libpq's default).
    case prefer
    /// TLS required; the certificate is not verified.
    case require
    /// TLS required; the certificate must chain to a trusted CA.
    case verifyCA = "verify-ca"
    /// TLS required; the certificate must chain to a trusted CA and name the host.
    case verifyFull = "verify-full"
}
