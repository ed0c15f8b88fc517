extension ConnectionConfiguration {
    /// Throws ``DatabaseError/Kind/invalidConfiguration`` when ``authentication`` names a Microsoft Entra ID method
    /// (an ADO.NET string's `Authentication=Active Directory …`) that no credential has satisfied; does nothing for
    /// user-and-password sign-in.
    ///
    /// DBCore only reads the key: the credentials that fetch tokens live in the `DBAzureIdentity` product, so that
    /// the core and the drivers link no HTTP client. A connect with such a key and no credential must fail rather
    /// than sign in some other way, and the error says what to write. A pool or
    /// ``AsyncConnection/connect(_:driver:credential:scopes:isolation:)`` given a credential clears
    /// ``authentication`` once the token is in the configuration, so this check passes. Drivers call it before
    /// they connect (`PGDriver` does; `MSSQLDriver` refuses Entra ID sign-in altogether).
    public func checkEntraSignInResolved() throws {
        guard let method = authentication, method.isEntra else { return }
        throw DatabaseError.invalidConfiguration(
            "Authentication=\(method.connectionStringName) needs a Microsoft Entra ID token, and no credential was "
                + "given, so no connection was opened. The credentials are in the DBAzureIdentity product: add it "
                + "to your target's dependencies, `import DBAzureIdentity`, and either pass "
                + "`credential: configuration.configuredCredential()` to ConnectionPool or ConnectionPools.pool "
                + "(or that credential to AsyncConnection.connect), or open a blocking connection with "
                + "`configuration.signingInWithConfiguredCredential(driver:)`")
    }
}

extension AuthenticationMethod {
    /// The value as an ADO.NET connection string writes it (`Active Directory Default`, …).
    var connectionStringName: String {
        switch self {
        case .password: return "SqlPassword"
        case .entraDefault: return "Active Directory Default"
        case .entraManagedIdentity: return "Active Directory Managed Identity"
        case .entraServicePrincipal: return "Active Directory Service Principal"
        case .entraWorkloadIdentity: return "Active Directory Workload Identity"
        }
    }
}
