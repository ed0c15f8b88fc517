import DBCore
import Foundation

/// A Kubernetes workload identity (AKS): exchanges the federated token in `AZURE_FEDERATED_TOKEN_FILE` (a JWT
/// the cluster rotates; read anew for every request) for an Entra ID token, with
/// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
public final class WorkloadIdentityCredential: TokenCredential {
    private let grant: ClientCredentialsGrant
    private let tokenFilePath: String

    /// Creates the credential; see
    /// ``ClientSecretCredential/init(tenantID:clientID:clientSecret:authorityHost:environment:timeout:refreshMargin:clock:)``
    /// for the common parameters.
    public init(
        tenantID: String, clientID: String, tokenFilePath: String, authorityHost: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Double = 30,
        refreshMargin: Double = 300, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.grant = ClientCredentialsGrant(
            credential: "WorkloadIdentityCredential", tenantID: tenantID, clientID: clientID,
            authorityHost: authorityHost, environment: environment, timeout: timeout, refreshMargin: refreshMargin,
            clock: clock)
        self.tokenFilePath = tokenFilePath
    }

    /// The credential named by `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_FEDERATED_TOKEN_FILE`, or `nil`
    /// when one is missing.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, refreshMargin: Double = 300,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> WorkloadIdentityCredential? {
        guard
            let (tenant, client, file) = ClientCredentialsGrant.environment(
                environment, proof: "AZURE_FEDERATED_TOKEN_FILE")
        else { return nil }
        return WorkloadIdentityCredential(
            tenantID: tenant, clientID: client, tokenFilePath: file, environment: environment,
            refreshMargin: refreshMargin, clock: clock)
    }

    /// A token for `scopes`, cached until shortly before it expires.
    public func token(for scopes: [String]) async throws -> AccessToken {
        let path = tokenFilePath
        return try await grant.token(for: scopes) {
            let assertion: String
            do {
                assertion = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
            } catch {
                throw TokenCredentialError(
                    credential: "WorkloadIdentityCredential", reason: .unavailable,
                    message: "cannot read the federated token file \(path)")
            }
            return [
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion),
            ]
        }
    }
}
