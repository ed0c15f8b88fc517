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
    private let endpoint: EntraTokenEndpoint
    private let clientID: String
    private let clientSecret: Secret
    private let cache: TokenCache

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
        self.endpoint = EntraTokenEndpoint(
            authority: EntraTokenEndpoint.authority(authorityHost, environment: environment), tenantID: tenantID,
            timeout: timeout)
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.cache = TokenCache(refreshMargin: refreshMargin, clock: clock)
    }

    /// The credential named by `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` (as the Azure
    /// SDKs' EnvironmentCredential reads them), or `nil` when one is missing.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, refreshMargin: Double = 300,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> ClientSecretCredential? {
        guard let tenant = environment["AZURE_TENANT_ID"], !tenant.isEmpty,
            let client = environment["AZURE_CLIENT_ID"], !client.isEmpty,
            let secret = environment["AZURE_CLIENT_SECRET"], !secret.isEmpty
        else { return nil }
        return ClientSecretCredential(
            tenantID: tenant, clientID: client, clientSecret: Secret(secret), environment: environment,
            refreshMargin: refreshMargin, clock: clock)
    }

    /// A token for `scopes`, cached until shortly before it expires.
    public func token(for scopes: [String]) async throws -> AccessToken {
        let (endpoint, clientID, secret, clock) = (self.endpoint, self.clientID, clientSecret, cache.clock)
        return try await cache.token(for: scopes) {
            try await endpoint.requestToken(
                [
                    ("client_id", clientID), ("client_secret", secret.revealed),
                    ("scope", scopes.joined(separator: " ")),
                    ("grant_type", "client_credentials"),
                ],
                credential: "ClientSecretCredential", now: clock())
        }
    }
}

/// A Kubernetes workload identity (AKS): exchanges the federated token in `AZURE_FEDERATED_TOKEN_FILE` (a JWT
/// the cluster rotates; read anew for every request) for an Entra ID token, with
/// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
public final class WorkloadIdentityCredential: TokenCredential {
    private let endpoint: EntraTokenEndpoint
    private let clientID: String
    private let tokenFilePath: String
    private let cache: TokenCache

    /// Creates the credential; see
    /// ``ClientSecretCredential/init(tenantID:clientID:clientSecret:authorityHost:environment:timeout:refreshMargin:clock:)``
    /// for the common parameters.
    public init(
        tenantID: String, clientID: String, tokenFilePath: String, authorityHost: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Double = 30,
        refreshMargin: Double = 300, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.endpoint = EntraTokenEndpoint(
            authority: EntraTokenEndpoint.authority(authorityHost, environment: environment), tenantID: tenantID,
            timeout: timeout)
        self.clientID = clientID
        self.tokenFilePath = tokenFilePath
        self.cache = TokenCache(refreshMargin: refreshMargin, clock: clock)
    }

    /// The credential named by `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_FEDERATED_TOKEN_FILE`, or `nil`
    /// when one is missing.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, refreshMargin: Double = 300,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> WorkloadIdentityCredential? {
        guard let tenant = environment["AZURE_TENANT_ID"], !tenant.isEmpty,
            let client = environment["AZURE_CLIENT_ID"], !client.isEmpty,
            let file = environment["AZURE_FEDERATED_TOKEN_FILE"], !file.isEmpty
        else { return nil }
        return WorkloadIdentityCredential(
            tenantID: tenant, clientID: client, tokenFilePath: file, environment: environment,
            refreshMargin: refreshMargin, clock: clock)
    }

    /// A token for `scopes`, cached until shortly before it expires.
    public func token(for scopes: [String]) async throws -> AccessToken {
        let (endpoint, clientID, path, clock) = (self.endpoint, self.clientID, tokenFilePath, cache.clock)
        return try await cache.token(for: scopes) {
            let assertion: String
            do {
                assertion = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
            } catch {
                throw TokenCredentialError(
                    credential: "WorkloadIdentityCredential", reason: .unavailable,
                    message: "cannot read the federated token file \(path)")
            }
            return try await endpoint.requestToken(
                [
                    ("client_id", clientID), ("scope", scopes.joined(separator: " ")),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion), ("grant_type", "client_credentials"),
                ],
                credential: "WorkloadIdentityCredential", now: clock())
        }
    }
}
