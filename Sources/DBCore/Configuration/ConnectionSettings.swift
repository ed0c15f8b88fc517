/// What the application will do on the connection (ADO.NET's `ApplicationIntent`).
public enum ApplicationIntent: String, Sendable, Hashable {
    /// Reads and writes: the primary (the default).
    case readWrite
    /// Reads only: SQL Server routes the login to a readable secondary (FreeTDS's `read-only intent`);
    /// PostgreSQL prefers a standby (`target_session_attrs=prefer-standby`) when no `target_session_attrs` is set.
    case readOnly
}

/// How a connection signs in (ADO.NET's `Authentication` key).
///
/// DBCore only records the method. The Microsoft Entra ID methods need a ``TokenCredential``, whose token is the
/// password on PostgreSQL (Azure Database for PostgreSQL): the `DBAzureIdentity` product turns the method into one
/// (`configuration.configuredCredential()`, `configuration.signingInWithConfiguredCredential(driver:)`). A connect
/// with an Entra method and no credential fails with ``DatabaseError/Kind/invalidConfiguration`` saying so
/// (``ConnectionConfiguration/checkEntraSignInResolved()``). On SQL Server they are refused with
/// ``DatabaseError/Kind/unsupported``, because FreeTDS DB-Library has no Entra sign-in.
public enum AuthenticationMethod: String, Sendable, Hashable {
    /// User and password (`SqlPassword`): the default.
    case password
    /// `Active Directory Default`: DBAzureIdentity's `DefaultAzureCredential`.
    case entraDefault
    /// `Active Directory Managed Identity` (or `Active Directory MSI`): DBAzureIdentity's
    /// `ManagedIdentityCredential`, with a user-assigned identity's client ID from `AZURE_CLIENT_ID` when set.
    case entraManagedIdentity
    /// `Active Directory Service Principal`: DBAzureIdentity's `ClientSecretCredential` with `AZURE_TENANT_ID` as
    /// the tenant, `AZURE_CLIENT_ID` as the client ID and `Password` (or `AZURE_CLIENT_SECRET`) as the secret.
    case entraServicePrincipal
    /// `Active Directory Workload Identity`: DBAzureIdentity's `WorkloadIdentityCredential.fromEnvironment()`.
    case entraWorkloadIdentity

    /// Whether this is a Microsoft Entra ID method.
    public var isEntra: Bool { self != .password }
}

/// Pool settings written in a connection string (ADO.NET's `Pooling`, `Max Pool Size`, `Min Pool Size`,
/// `Connection Lifetime` / `Load Balance Timeout`, Npgsql's `Connection Idle Lifetime`). ``ConnectionPools``
/// applies them to the pool it keeps for the configuration; `nil` leaves ``PoolConfiguration/default``'s value.
public struct PoolingOptions: Sendable, Hashable {
    /// `Pooling=false`: every returned connection is closed instead of kept.
    public var enabled: Bool?
    /// `Max Pool Size`.
    public var maximumSize: Int?
    /// `Min Pool Size`: idle connections kept open.
    public var minimumSize: Int?
    /// `Connection Lifetime` / `Load Balance Timeout`, seconds; 0 means no limit (as in ADO.NET).
    public var maximumLifetime: Double?
    /// `Connection Idle Lifetime` (Npgsql), seconds.
    public var idleTimeout: Double?

    /// No settings.
    public init(
        enabled: Bool? = nil, maximumSize: Int? = nil, minimumSize: Int? = nil, maximumLifetime: Double? = nil,
        idleTimeout: Double? = nil
    ) {
        self.enabled = enabled
        self.maximumSize = maximumSize
        self.minimumSize = minimumSize
        self.maximumLifetime = maximumLifetime
        self.idleTimeout = idleTimeout
    }

    /// `settings` with these options applied.
    public func applied(to settings: PoolConfiguration) -> PoolConfiguration {
        var settings = settings
        if let maximumSize { settings.maximumSize = maximumSize }
        if let minimumSize { settings.minimumIdle = minimumSize }
        if let maximumLifetime { settings.maximumLifetime = maximumLifetime > 0 ? maximumLifetime : nil }
        if let idleTimeout { settings.idleTimeout = idleTimeout > 0 ? idleTimeout : nil }
        if enabled == false {
            // No pooling: a connection lives for one borrow (closed when returned), none is kept idle.
            settings.maximumLifetime = 0
            settings.minimumIdle = 0
            settings.maintenanceInterval = 30
        }
        return settings
    }
}
