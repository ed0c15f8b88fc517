import DBCore
import Foundation

/// A credential that always gives the same token: for tokens obtained elsewhere, and for tests.
public final class StaticTokenCredential: TokenCredential {
    private let accessToken: AccessToken

    /// Wraps a token.
    public init(_ token: AccessToken) { self.accessToken = token }

    /// The token, whatever the scopes; throws ``TokenCredentialError/Reason/authenticationFailed`` once it has
    /// expired.
    public func token(for scopes: [String]) async throws -> AccessToken {
        guard accessToken.expiresOn.timeIntervalSinceNow > 0 else {
            throw TokenCredentialError(
                credential: "StaticTokenCredential", reason: .authenticationFailed, message: "the token has expired")
        }
        return accessToken
    }
}
