import Foundation

/// Something that issues Microsoft Entra ID access tokens. The credentials themselves (a fixed token, the Azure
/// CLI, a managed identity, a service principal's client secret, a workload identity, or a chain of these:
/// `DefaultAzureCredential`) live in the `DBAzureIdentity` product, so that DBCore carries no HTTP client; any
/// type of yours that issues tokens can conform too.
///
/// A pool given a credential asks it for a token each time it opens a connection, and the driver signs in with
/// the token as the password (see ``AccessTokenSignIn``). Implementations cache tokens and fetch a new one ahead
/// of expiry, so asking often is cheap.
public protocol TokenCredential: AnyObject, Sendable {
    /// A token valid for `scopes` (for databases, one scope: ``EntraScope/azurePostgreSQL`` or
    /// ``EntraScope/azureSQL``). Throws an error saying why no token was issued (DBAzureIdentity's credentials
    /// throw `TokenCredentialError`); it must never contain a token or a secret.
    func token(for scopes: [String]) async throws -> AccessToken
}

/// The Entra ID scopes of the Azure database services.
public enum EntraScope {
    /// Azure Database for PostgreSQL: `https://ossrdbms-aad.database.windows.net/.default`.
    public static let azurePostgreSQL = "https://ossrdbms-aad.database.windows.net/.default"
    /// Azure SQL Database and SQL Server: `https://database.windows.net/.default`.
    public static let azureSQL = "https://database.windows.net/.default"

    /// The scope for a database family.
    public static func scope(for backend: DatabaseBackend) -> String {
        switch backend {
        case .postgresql: return azurePostgreSQL
        case .sqlServer: return azureSQL
        }
    }
}

/// An access token and when it expires. Its text is a ``Secret``: it never prints.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    /// The token (a JWT). Never log it.
    public var token: Secret
    /// When the token stops being accepted.
    public var expiresOn: Date

    /// Creates a token.
    public init(token: Secret, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }

    /// `AccessToken(********, expires 2025-01-01T12:00:00Z)`.
    public var description: String {
        "AccessToken(********, expires \(ISO8601DateFormatter().string(from: expiresOn)))"
    }
}

/// A driver that can sign in with an Entra ID access token. ``ConnectionPool`` and
/// ``AsyncConnection/connect(_:driver:credential:scopes:isolation:)`` use it to turn a token into the
/// configuration they connect with; drivers that cannot sign in with tokens throw
/// ``DatabaseError/Kind/unsupported`` explaining why.
public protocol AccessTokenSignIn: DatabaseDriver {
    /// `configuration` changed to sign in with `token` (e.g. the token as the password).
    func configuration(
        _ configuration: ConnectionConfiguration, signingInWith token: AccessToken
    ) throws
        -> ConnectionConfiguration
}

extension ConnectionConfiguration {
    /// The configuration to open with `token` through `driver`: the driver's own rule when it has one
    /// (``AccessTokenSignIn``), else the token as the password; ``authentication`` is cleared, as the token satisfies
    /// it (``checkEntraSignInResolved()`` then passes).
    public func signingIn(with token: AccessToken, driver: any DatabaseDriver) throws -> ConnectionConfiguration {
        var configuration = self
        if let tokenDriver = driver as? any AccessTokenSignIn {
            configuration = try tokenDriver.configuration(self, signingInWith: token)
        } else {
            configuration.password = token.token
        }
        configuration.authentication = nil
        return configuration
    }
}
