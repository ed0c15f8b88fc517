import DBCore

/// The PostgreSQL driver, over libpq.
///
/// ```swift
/// let connection = try PGDriver.connect(configuration)
/// let cursor = try connection.cursor()
/// try cursor.execute("SELECT name, quantity FROM inventory WHERE quantity > %s", [100])
/// for row in try cursor.fetchAll() { print(row["name"]!, row["quantity"]!) }
/// ```
public struct PGDriver: DatabaseDriver {
    /// Creates the driver.
    public init() {}

    /// `.postgresql`.
    public var backend: DatabaseBackend { .postgresql }

    /// Opens a connection; see ``connect(_:)-swift.type.method``.
    public func connect(_ configuration: ConnectionConfiguration) throws -> any DatabaseConnection {
        try PGDriver.connect(configuration)
    }

    /// Opens a connection described by `configuration`.
    ///
    /// Throws `DBCore.DatabaseError` of kind `.connectionFailed` (refused, unreachable, TLS or certificate
    /// failure), `.authenticationFailed` (wrong password, unknown role or database) or `.invalidConfiguration`
    /// (a configuration for another backend), `.timeout` (the connect timeout expired). The message is libpq's;
    /// it never contains the password. A connect that fails with a transient fault (the server starting up or
    /// shutting down, refused, timed out: `TransientFault`) is retried as
    /// `ConnectionConfiguration.connectRetry` says (once, after 10 s, by default).
    public static func connect(_ configuration: ConnectionConfiguration) throws -> PGConnection {
        if let backend = configuration.backend, backend != .postgresql {
            throw DatabaseError.invalidConfiguration("the configuration is for \(backend.rawValue), not PostgreSQL")
        }
        let cacheSettings = try StatementCacheSettings(options: configuration.options)
        // Authentication=Active Directory … needs a credential's token (DBAzureIdentity); never connect without it.
        try configuration.checkEntraSignInResolved()
        let handle = try ConnectRetry.run(configuration) { try PQHandle.connect($0) }
        return PGConnection(handle: handle, configuration: configuration, statementCache: cacheSettings)
    }
}

extension PGConnection {
    /// Opens a connection described by `configuration`; the same as ``PGDriver/connect(_:)-swift.type.method``.
    public static func connect(_ configuration: ConnectionConfiguration) throws -> PGConnection {
        try PGDriver.connect(configuration)
    }
}
