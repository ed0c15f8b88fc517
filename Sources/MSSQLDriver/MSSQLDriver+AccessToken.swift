import DBCore

extension MSSQLDriver: AccessTokenSignIn {
    /// Always throws `DatabaseError.Kind.unsupported`: FreeTDS 1.3's DB-Library cannot sign in with an
    /// Entra ID access token. SQL Server takes tokens only in the LOGIN7 FEDAUTH extension (a token instead of a
    /// password), which DB-Library's login API (`dbsetlname`) cannot send; and Azure SQL rejects a token sent
    /// as a SQL password. Use SQL authentication with this driver, or a driver built on ODBC / TDS with FEDAUTH
    /// support for passwordless sign-in.
    public func configuration(
        _ configuration: ConnectionConfiguration, signingInWith token: AccessToken
    ) throws
        -> ConnectionConfiguration
    {
        throw MSSQLDriver.entraUnsupported
    }

    /// The error for any Microsoft Entra ID sign-in.
    static let entraUnsupported = DatabaseError(
        kind: .unsupported,
        message: "MSSQLDriver cannot sign in with a Microsoft Entra ID access token: FreeTDS 1.3 DB-Library has "
            + "no access-token login (SQL Server takes tokens only in the TDS LOGIN7 FEDAUTH extension, which "
            + "DB-Library cannot send, and rejects a token sent as a password); use SQL authentication "
            + "(Authentication=SqlPassword with User ID and Password) with this driver, or a driver with FEDAUTH "
            + "support (ODBC Driver 18, Microsoft.Data.SqlClient) for Entra sign-in")

    /// Throws ``entraUnsupported`` when `configuration` asks for Entra ID sign-in, as an ADO.NET string's
    /// `Authentication=Active Directory …` does; SQL authentication (`Authentication=SqlPassword`) passes.
    static func rejectEntraSignIn(_ configuration: ConnectionConfiguration) throws {
        if configuration.authentication?.isEntra == true { throw entraUnsupported }
        for (key, value) in configuration.options where key.lowercased().filter({ $0 != " " }) == "authentication" {
            let method = value.lowercased().filter { $0 != " " }
            if method.hasPrefix("activedirectory") || method.contains("entra") { throw entraUnsupported }
        }
    }
}
