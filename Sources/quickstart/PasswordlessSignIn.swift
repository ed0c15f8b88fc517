import DBAzureIdentity
import DBCore
import Foundation
import PGDriver

/// The Azure PostgreSQL quickstart's passwordless variant: with `DBHOST` set and no `DBPASSWORD`, sign in through
/// `DefaultAzureCredential` (environment service principal → workload identity → managed identity → Azure CLI),
/// whose token for `https://ossrdbms-aad.database.windows.net/.default` is the password, as the quickstart's
/// `DefaultAzureCredential().get_token(…)` does. Says so on standard error (never the token).
///
/// On SQL Server it fails, explaining that FreeTDS DB-Library has no Entra sign-in. A configuration that has a
/// password, or that was not read from the environment, is returned unchanged.
///
/// - Parameters:
///   - configuration: The configuration read from `DBHOST`, `DBNAME`, `DBUSER`, `SSLMODE`, `DBPORT`.
///   - backend: The backend the quickstart runs.
///   - note: Writes a line to standard error.
/// - Returns: The configuration with the token as its password.
func passwordlessSignIn(
    _ configuration: ConnectionConfiguration, backend: DatabaseBackend, note: (String) -> Void
) throws -> ConnectionConfiguration {
    guard configuration.password == nil else { return configuration }
    guard backend == .postgresql else {
        throw DatabaseError(
            kind: .unsupported,
            message: "DBPASSWORD is not set, and passwordless (Microsoft Entra ID) sign-in is not available for SQL "
                + "Server here: FreeTDS DB-Library cannot send an access token (SQL Server takes tokens only in the "
                + "TDS FEDAUTH login extension). Set DBPASSWORD for SQL authentication.")
    }
    guard let user = configuration.user, !user.isEmpty else {
        throw DatabaseError.invalidConfiguration(
            "DBPASSWORD is not set: passwordless sign-in needs DBUSER, the Microsoft Entra user, group or managed "
                + "identity that is the PostgreSQL role")
    }
    note("DBPASSWORD is not set: signing in as \(user) with a Microsoft Entra ID token from DefaultAzureCredential")
    var passwordless = configuration
    passwordless.authentication = .entraDefault
    return try passwordless.signingInWithConfiguredCredential(driver: PGDriver())
}
