extension AsyncConnection {
    /// Opens a connection signed in with an Entra ID token from `credential` (passwordless sign-in), on a new
    /// dedicated thread.
    ///
    /// ```swift
    /// import DBAzureIdentity  // DefaultAzureCredential
    ///
    /// var configuration = ConnectionConfiguration(
    ///     host: "myserver.postgres.database.azure.com", database: "postgres", user: "me@contoso.com", tls: .require)
    /// let connection = try await AsyncConnection.connect(
    ///     configuration, driver: PGDriver(), credential: DefaultAzureCredential())
    /// ```
    ///
    /// - Parameters:
    ///   - configuration: Where to connect; its password is replaced by the token.
    ///   - driver: The driver that opens the connection.
    ///   - credential: Where the access token comes from.
    ///   - scopes: The token's scopes; by default the one for the driver's database family.
    ///   - isolation: The caller's actor, inherited by default.
    public static func connect(
        _ configuration: ConnectionConfiguration, driver: any DatabaseDriver, credential: any TokenCredential,
        scopes: [String]? = nil, isolation: isolated (any Actor)? = #isolation
    ) async throws -> AsyncConnection {
        let source = ConnectionSource(
            driver: driver, configuration: configuration, credential: credential,
            scopes: scopes ?? [EntraScope.scope(for: configuration.backend ?? driver.backend)])
        let signedIn = try await source.resolvedConfiguration()
        return try await connect(signedIn, driver: driver)
    }
}
