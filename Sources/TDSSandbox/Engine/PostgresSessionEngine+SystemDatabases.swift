extension PostgresSessionEngine {
    /// `master` and `tempdb`, the databases every SQL Server has and clients log in to or `USE` (pymssql and
    /// SQLAlchemy default to `master`; tools `USE tempdb` for scratch work): aliases of the PostgreSQL database
    /// the sandbox was configured with. The session reports the alias (`DB_NAME()`, the ENVCHANGE) while its
    /// tables live in that database. Returns the alias's canonical spelling, or `nil` for any other name.
    static func systemDatabaseAlias(_ name: String) -> String? {
        switch name.lowercased() {
        case "master": return "master"
        case "tempdb": return "tempdb"
        default: return nil
        }
    }
}
