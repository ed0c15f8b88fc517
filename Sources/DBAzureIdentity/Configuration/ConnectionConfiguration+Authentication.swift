import DBCore
import Foundation

extension ConnectionConfiguration {
    /// The credential `authentication` names (an ADO.NET string's `Authentication=Active Directory …`), or `nil`
    /// for user-and-password sign-in:
    ///
    /// - `entraDefault`: ``DefaultAzureCredential``.
    /// - `entraManagedIdentity`: ``ManagedIdentityCredential`` (a user-assigned identity's client ID from
    ///   `AZURE_CLIENT_ID`).
    /// - `entraServicePrincipal`: ``ClientSecretCredential``: tenant `AZURE_TENANT_ID`, client `AZURE_CLIENT_ID`,
    ///   secret `password` (or `AZURE_CLIENT_SECRET`).
    /// - `entraWorkloadIdentity`: ``WorkloadIdentityCredential`` from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
    ///   `AZURE_FEDERATED_TOKEN_FILE`.
    ///
    /// When something the method needs is missing, the credential returned fails every token request with
    /// `DatabaseError.Kind.invalidConfiguration` naming what is missing (never a secret).
    ///
    /// The same method, password and environment give the same credential object for the life of the process, so
    /// its token cache is shared and `ConnectionPools.pool(driver:configuration:credential:…)`, which tells pools
    /// apart by the credential object, keeps one pool per configuration.
    ///
    /// - Parameter environment: Where the credential's variables are read (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, …).
    /// - Returns: The credential, or `nil` when `authentication` names no Entra ID method.
    public func configuredCredential(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (any TokenCredential)? {
        guard let method = authentication, method.isEntra else { return nil }
        return ConfiguredCredentials.credential(method: method, password: password, environment: environment) {
            makeCredential(method: method, environment: environment)
        }
    }

    /// A new credential for `method`; see ``configuredCredential(environment:)``.
    private func makeCredential(method: AuthenticationMethod, environment: [String: String]) -> any TokenCredential {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch method {
        case .password:
            return MisconfiguredCredential("Authentication=SqlPassword signs in with a password, not a token")
        case .entraDefault:
            return DefaultAzureCredential(environment: environment)
        case .entraManagedIdentity:
            return ManagedIdentityCredential(clientID: value("AZURE_CLIENT_ID"), environment: environment)
        case .entraServicePrincipal:
            let secret = password ?? value("AZURE_CLIENT_SECRET").map { Secret($0) }
            var missing: [String] = []
            if value("AZURE_TENANT_ID") == nil { missing.append("the tenant (AZURE_TENANT_ID)") }
            if value("AZURE_CLIENT_ID") == nil { missing.append("the client ID (AZURE_CLIENT_ID)") }
            if secret == nil { missing.append("the client secret (Password, or AZURE_CLIENT_SECRET)") }
            guard missing.isEmpty, let tenant = value("AZURE_TENANT_ID"), let client = value("AZURE_CLIENT_ID"),
                let secret
            else {
                return MisconfiguredCredential(
                    "Authentication=Active Directory Service Principal needs " + missing.joined(separator: ", "))
            }
            return ClientSecretCredential(
                tenantID: tenant, clientID: client, clientSecret: secret, environment: environment)
        case .entraWorkloadIdentity:
            return WorkloadIdentityCredential.fromEnvironment(environment)
                ?? MisconfiguredCredential(
                    "Authentication=Active Directory Workload Identity needs AZURE_TENANT_ID, AZURE_CLIENT_ID and "
                        + "AZURE_FEDERATED_TOKEN_FILE")
        }
    }

    /// For a blocking driver connect: when `authentication` names an Entra ID method, the configuration signed in
    /// with a token from ``configuredCredential(environment:)`` through `driver` (for PostgreSQL, the token is the
    /// password), with `authentication` cleared; otherwise `self`. Blocks the calling thread while the token is
    /// fetched; never call it on Swift's cooperative pool.
    ///
    /// ```swift
    /// let configuration = try ConnectionConfiguration(parsing: "Server=…;Authentication=Active Directory Default")
    /// let connection = try PGDriver.connect(try configuration.signingInWithConfiguredCredential(driver: PGDriver()))
    /// ```
    ///
    /// - Parameter driver: The driver that will open the connection.
    /// - Returns: The configuration to connect with.
    public func signingInWithConfiguredCredential(driver: any DatabaseDriver) throws -> ConnectionConfiguration {
        guard let credential = configuredCredential() else { return self }
        return try signingInBlocking(with: credential, driver: driver)
    }
}

/// A credential for a configuration that lacks what its `AuthenticationMethod` needs: every request fails with
/// `DatabaseError.Kind.invalidConfiguration` saying what is missing.
final class MisconfiguredCredential: TokenCredential {
    let error: DatabaseError

    init(_ message: String) { error = DatabaseError.invalidConfiguration(message) }

    func token(for scopes: [String]) async throws -> AccessToken { throw error }
}
