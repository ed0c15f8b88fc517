import DBCore

/// Why a credential could not issue a token. Its texts never contain a token or a client secret.
public struct TokenCredentialError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Reason: String, Sendable, Hashable {
        /// The credential does not apply here: its environment variables, endpoint or tool are missing.
        case unavailable
        /// The identity service or tool answered with an error (bad secret, unknown client, not logged in).
        case authenticationFailed
        /// The answer could not be understood.
        case invalidResponse
    }

    /// The credential that failed, e.g. `ManagedIdentityCredential`.
    public var credential: String
    /// The kind of failure.
    public var reason: Reason
    /// What went wrong.
    public var message: String
    /// For a chain: the failure of each credential tried, in order.
    public var failures: [TokenCredentialError]

    /// Creates an error.
    public init(credential: String, reason: Reason, message: String, failures: [TokenCredentialError] = []) {
        self.credential = credential
        self.reason = reason
        self.message = message
        self.failures = failures
    }

    /// `Credential (reason): message`, then each failure of a chain on its own line.
    public var description: String {
        var text = "\(credential) (\(reason.rawValue)): \(message)"
        for failure in failures { text += "\n  - \(failure.description)" }
        return text
    }
}
