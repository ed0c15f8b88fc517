extension ConnectionConfiguration {
    /// The configuration signed in with a token from `credential` through `driver` (for PostgreSQL, the token is
    /// the password; see ``AccessTokenSignIn``), with ``authentication`` cleared because it is now satisfied.
    ///
    /// - Parameters:
    ///   - credential: Where the access token comes from.
    ///   - driver: The driver that will open the connection.
    ///   - scopes: The token's scopes; by default the one for the driver's database family (``EntraScope``).
    /// - Returns: The configuration to open the connection with.
    /// - Throws: ``DatabaseError/Kind/authenticationFailed`` when the credential issues no token, or the driver's
    ///   error when it cannot sign in with tokens.
    public func signingIn(
        with credential: any TokenCredential, driver: any DatabaseDriver, scopes: [String]? = nil
    ) async throws -> ConnectionConfiguration {
        try await source(credential: credential, driver: driver, scopes: scopes).resolvedConfiguration()
    }

    /// ``signingIn(with:driver:scopes:)`` for a blocking connect: blocks the calling
    /// thread while a task asks the credential. Never call it on Swift's cooperative pool.
    ///
    /// - Parameters:
    ///   - credential: Where the access token comes from.
    ///   - driver: The driver that will open the connection.
    ///   - scopes: The token's scopes; by default the one for the driver's database family (``EntraScope``).
    /// - Returns: The configuration to open the connection with.
    public func signingInBlocking(
        with credential: any TokenCredential, driver: any DatabaseDriver, scopes: [String]? = nil
    ) throws -> ConnectionConfiguration {
        try source(credential: credential, driver: driver, scopes: scopes).resolvedConfigurationBlocking()
    }

    private func source(
        credential: any TokenCredential, driver: any DatabaseDriver, scopes: [String]?
    ) -> ConnectionSource {
        ConnectionSource(
            driver: driver, configuration: self, credential: credential,
            scopes: scopes ?? [EntraScope.scope(for: backend ?? driver.backend)])
    }
}
