import DBCore
import Foundation

/// The credential chain for code that runs both on developer machines and in Azure, as the Azure SDKs'
/// `DefaultAzureCredential` does. It tries, in this order, and uses the first that issues a token:
///
/// 1. **Environment: client secret** (``ClientSecretCredential``): `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
///    `AZURE_CLIENT_SECRET`.
/// 2. **Environment: workload identity** (``WorkloadIdentityCredential``): `AZURE_TENANT_ID`,
///    `AZURE_CLIENT_ID`, `AZURE_FEDERATED_TOKEN_FILE`.
/// 3. **Managed identity** (``ManagedIdentityCredential``): App Service's `IDENTITY_ENDPOINT`, else IMDS
///    (user-assigned when `AZURE_CLIENT_ID` is set).
/// 4. **Azure CLI** (``AzureCLICredential``): `az account get-access-token`.
///
/// Every credential is tried even after one fails (a bad client secret does not hide a working `az login`);
/// when none works, the error lists each failure in order. Each credential caches its tokens.
public final class DefaultAzureCredential: TokenCredential {
    private let chain: [(name: String, credential: (any TokenCredential)?, missing: String)]

    /// The names of the credentials, in the order they are tried.
    public var credentialNames: [String] { chain.map(\.name) }

    /// Builds the chain from `environment` (the process environment by default).
    ///
    /// - Parameters:
    ///   - environment: Where the credentials' variables are read (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, …).
    ///   - imdsEndpoint: The IMDS token URL for the managed identity (override only for tests).
    ///   - managedIdentityTimeout: Seconds to wait for the managed identity endpoint; short, as off Azure
    ///     nothing answers.
    ///   - refreshMargin: Seconds before expiry at which cached tokens are replaced (300).
    ///   - clock: The current time (for tests).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        imdsEndpoint: URL = ManagedIdentityCredential.defaultIMDSEndpoint, managedIdentityTimeout: Double = 1,
        refreshMargin: Double = 300, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        let clientID = environment["AZURE_CLIENT_ID"].flatMap { $0.isEmpty ? nil : $0 }
        chain = [
            (
                "ClientSecretCredential",
                ClientSecretCredential.fromEnvironment(environment, refreshMargin: refreshMargin, clock: clock),
                "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set"
            ),
            (
                "WorkloadIdentityCredential",
                WorkloadIdentityCredential.fromEnvironment(environment, refreshMargin: refreshMargin, clock: clock),
                "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are not all set"
            ),
            (
                "ManagedIdentityCredential",
                ManagedIdentityCredential(
                    clientID: clientID, environment: environment, imdsEndpoint: imdsEndpoint,
                    timeout: managedIdentityTimeout, refreshMargin: refreshMargin, clock: clock), ""
            ),
            (
                "AzureCLICredential",
                AzureCLICredential(environment: environment, refreshMargin: refreshMargin, clock: clock), ""
            ),
        ]
    }

    /// The first token any credential of the chain issues; else an error listing every failure.
    public func token(for scopes: [String]) async throws -> AccessToken {
        var failures: [TokenCredentialError] = []
        for link in chain {
            guard let credential = link.credential else {
                failures.append(
                    TokenCredentialError(credential: link.name, reason: .unavailable, message: link.missing))
                continue
            }
            do {
                return try await credential.token(for: scopes)
            } catch let error as TokenCredentialError {
                failures.append(error)
            } catch {
                failures.append(
                    TokenCredentialError(
                        credential: link.name, reason: .authenticationFailed,
                        message: "\(error)"))
            }
        }
        throw TokenCredentialError(
            credential: "DefaultAzureCredential", reason: .unavailable,
            message: "no credential in the chain issued a token; tried " + credentialNames.joined(separator: ", "),
            failures: failures)
    }
}
