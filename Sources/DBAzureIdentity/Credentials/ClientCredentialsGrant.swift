import DBCore
import Foundation

/// What ``ClientSecretCredential`` and ``WorkloadIdentityCredential`` share: an application signing in to its
/// tenant's token endpoint with the OAuth 2.0 client credentials grant, proving who it is with the fields each
/// credential adds, and the cache of its tokens.
struct ClientCredentialsGrant: Sendable {
    /// The credential's name, for errors.
    let credential: String
    let endpoint: EntraTokenEndpoint
    let clientID: String
    let cache: TokenCache

    init(
        credential: String, tenantID: String, clientID: String, authorityHost: URL?, environment: [String: String],
        timeout: Double, refreshMargin: Double, clock: @escaping @Sendable () -> Date
    ) {
        self.credential = credential
        self.endpoint = EntraTokenEndpoint(
            authority: EntraTokenEndpoint.authority(authorityHost, environment: environment), tenantID: tenantID,
            timeout: timeout)
        self.clientID = clientID
        self.cache = TokenCache(refreshMargin: refreshMargin, clock: clock)
    }

    /// `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and the variable `proof` names (as the Azure SDKs read them), or `nil`
    /// when one is missing or empty.
    static func environment(
        _ environment: [String: String], proof: String
    ) -> (tenant: String, client: String, proof: String)? {
        guard let tenant = environment["AZURE_TENANT_ID"], !tenant.isEmpty,
            let client = environment["AZURE_CLIENT_ID"], !client.isEmpty,
            let value = environment[proof], !value.isEmpty
        else { return nil }
        return (tenant, client, value)
    }

    /// A token for `scopes`, cached until shortly before it expires; `proof` gives the fields that prove the
    /// application's identity (read anew for every request to the endpoint).
    func token(
        for scopes: [String], proof: @escaping @Sendable () throws -> [(String, String)]
    ) async throws -> AccessToken {
        let (endpoint, clientID, credential, clock) = (endpoint, clientID, credential, cache.clock)
        return try await cache.token(for: scopes) {
            let fields =
                [("client_id", clientID)] + (try proof())
                + [("scope", scopes.joined(separator: " ")), ("grant_type", "client_credentials")]
            return try await endpoint.requestToken(fields, credential: credential, now: clock())
        }
    }
}
