import DBCore

extension PGDriver: AccessTokenSignIn {
    /// Azure Database for PostgreSQL takes the Entra ID token as the password of the Entra user or group named
    /// in `ConnectionConfiguration.user` (as the Azure quickstart does with psycopg).
    public func configuration(
        _ configuration: ConnectionConfiguration, signingInWith token: AccessToken
    ) throws
        -> ConnectionConfiguration
    {
        guard let user = configuration.user, !user.isEmpty else {
            throw DatabaseError.invalidConfiguration(
                "signing in with an Entra ID token needs the Entra user, group or managed identity name as the user")
        }
        var signedIn = configuration
        signedIn.password = token.token
        return signedIn
    }
}
