import DBCore
import Foundation

/// A service principal signing in with its client secret (OAuth 2.0 client credentials grant): POSTs
/// `client_id`, `client_secret`, `scope` and `grant_type=client_credentials` to
/// `{AZURE_AUTHORITY_HOST or https://login.microsoftonline.com}/{tenant}/oauth2/v2.0/token`.
///
/// ```swift
/// let credential = ClientSecretCredential(tenantID: "…", clientID: "…", clientSecret: Secret("…"))
/// ```
public final class ClientSecretCredential: TokenCredential {
    private let grant: ClientCredentialsGrant
    private let clientSecret: Secret

    /// Creates the credential.
    ///
    /// - Parameters:
    ///   - tenantID: The Entra ID tenant (directory) of the service principal.
    ///   - clientID: The service principal's application (client) id.
    ///   - clientSecret: The service principal's secret; never printed.
    ///   - authorityHost: The Entra ID host; by default `AZURE_AUTHORITY_HOST` from `environment`, else
    ///     `https://login.microsoftonline.com`.
    ///   - environment: Where `AZURE_AUTHORITY_HOST` is read; the process environment by default.
    ///   - timeout: Seconds to wait for the token endpoint (30).
    ///   - refreshMargin: Seconds before expiry at which a cached token is replaced (300).
    ///   - clock: The current time (for tests).
    public init(
        tenantID: String, clientID: String, clientSecret: Secret, authorityHost: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Double = 30,
        refreshMargin: Double = 300, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.grant = ClientCredentialsGrant(
            credential: "ClientSecretCredential", tenantID: tenantID, clientID: clientID, authorityHost: authorityHost,
            environment: environment, timeout: timeout, refreshMargin: refreshMargin, clock: clock)
        self.clientSecret = clientSecret
    }

    /// The credential named by `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` (as the Azure
    /// SDKs' EnvironmentCredential reads them), or `nil` when one is missing.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, refreshMargin: Double = 300,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> ClientSecretCredential? {
        guard
            let (tenant, client, secret) = ClientCredentialsGrant.environment(environment, proof: "AZURE_CLIENT_SECRET")
        else { return nil }
        return ClientSecretCredential(
            tenantID: tenant, clientID: client, clientSecret: Secret(secret), environment: environment,
            refreshMargin: refreshMargin, clock: clock)
    }

    /// A token for `scopes`, cached until shortly before it expires.
    public func token(for scopes: [String]) async throws -> AccessToken {
        let secret = clientSecret
        return try await grant.token(for: scopes) { [("client_secret", secret.revealed)] }
    }
}
