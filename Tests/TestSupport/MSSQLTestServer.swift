import DBCore
import Foundation

/// Which SQL Server the SQL Server integration tests run against.
///
/// Unset `MSSQL_TEST_URL` (the default, and CI): the in-process TDS sandbox in front of a throwaway PostgreSQL.
/// Set it to a URL (`sqlserver://user:password@host:1433/database`) or an ADO.NET connection string
/// (`Server=tcp:host,1433;Database=db;User ID=u;Password=p;Encrypt=False;`) and MSSQLDriverTests' integration
/// tests and the SQL Server half of ConformanceTests log in there instead: a real SQL Server, Azure SQL,
/// Babelfish, or a `tds-sandbox` started on its own. Tests that look inside the in-process sandbox (or need one
/// configured a special way) are skipped then, each saying why.
public enum MSSQLTestServer {
    /// The environment variable that names the server.
    public static let environmentVariable = "MSSQL_TEST_URL"

    /// The text of `MSSQL_TEST_URL`, nil when unset or empty.
    public static let url: String? = {
        guard let value = ProcessInfo.processInfo.environment[environmentVariable],
            !value.trimmingCharacters(in: .whitespaces).isEmpty
        else { return nil }
        return value
    }()

    /// True when the tests use the in-process sandbox (`MSSQL_TEST_URL` is unset).
    public static var usesInProcessSandbox: Bool { url == nil }

    /// The configuration of the external server, parsed from `MSSQL_TEST_URL` (nil when it is unset). A
    /// malformed value throws the parser's ``DatabaseError`` (which never shows the password), so every test that
    /// needs the server fails with the reason.
    public static func externalConfiguration() throws -> ConnectionConfiguration? {
        guard let url else { return nil }
        var configuration = try ConnectionConfiguration(parsing: url)
        configuration.backend = .sqlServer
        if configuration.connectTimeout == nil { configuration.connectTimeout = 15 }
        if configuration.applicationName == nil { configuration.applicationName = "swift-db-drivers-tests" }
        return configuration
    }

    /// The reason a test that needs the in-process sandbox gives when it is skipped.
    public static let needsInProcessSandbox =
        "MSSQL_TEST_URL is set: this test needs the in-process TDS sandbox (it inspects or configures it)"
}
