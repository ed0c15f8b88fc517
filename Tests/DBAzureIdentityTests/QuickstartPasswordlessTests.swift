import DBAzureIdentity
import DBCore
import Foundation
import PGDriver
import TestSupport
import Testing
import ThrowawayServers

/// The quickstart's passwordless variant end to end: `DBHOST` set, no `DBPASSWORD`; DefaultAzureCredential gets a
/// token from a local token endpoint (the service principal in `AZURE_*`), and the PostgreSQL role's password is
/// that token.
@Suite("quickstart: passwordless sign-in")
struct QuickstartPasswordlessTests {
    static let inventoryLines = [
        "Connection established", "Finished dropping table (if existed)", "Finished creating table",
        "Inserted 3 rows of data", "Connection established", "Data row = (1, banana, 150)",
        "Data row = (2, orange, 154)", "Data row = (3, apple, 100)", "Connection established",
        "Updated 1 row of data", "Connection established", "Deleted 1 row of data",
    ]

    /// Runs the built `quickstart` with `environment` (DB* and AZURE_* variables of the test's own replaced).
    func run(_ arguments: [String], environment overrides: [String: String]) throws -> BuiltExecutable.Result {
        let executable = try #require(
            BuiltExecutable.url(named: "quickstart"), "the quickstart executable is not built next to the tests")
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("DB") && !$0.key.hasPrefix("AZURE_") && !$0.key.hasPrefix("IDENTITY_")
                && $0.key != "SSLMODE" && $0.key != "MSI_ENDPOINT"
        }
        environment.merge(overrides) { $1 }
        // No Azure CLI on the path: the chain must get its token from the service principal.
        environment["PATH"] = "/nonexistent"
        return try BuiltExecutable.run(executable, arguments: arguments, environment: environment)
    }

    @Test("no DBPASSWORD: the quickstart signs in with DefaultAzureCredential's token and prints its lines")
    func passwordlessPostgres() async throws {
        try await offPool {
            let token = FakeTokens.make("quickstart")
            let endpoint = try LoopbackHTTPServer { _ in FakeTokens.response(token) }
            defer { endpoint.stop() }
            let server = try identityDatabase.server()
            let role = identityDatabase.uniqueName("entra_quickstart")
            let database = identityDatabase.uniqueName("qs")
            let admin = try identityDatabase.adminConnection()
            defer {
                _ = try? admin.rows("DROP DATABASE IF EXISTS \(database)")
                _ = try? admin.rows("DROP ROLE IF EXISTS \(role)")
                admin.close()
            }
            try admin.rows("CREATE ROLE \(role) LOGIN PASSWORD '\(token)'")
            try admin.rows("CREATE DATABASE \(database) OWNER \(role)")

            let result = try run(
                ["--backend", "postgres"],
                environment: [
                    "DBHOST": server.host, "DBPORT": String(server.port), "DBNAME": database, "DBUSER": role,
                    "SSLMODE": "disable", "AZURE_TENANT_ID": "tenant", "AZURE_CLIENT_ID": "app",
                    "AZURE_CLIENT_SECRET": "client-secret-text", "AZURE_AUTHORITY_HOST": endpoint.baseURL,
                ])
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.lines == Self.inventoryLines)
            #expect(
                result.errors.contains(
                    "signing in as \(role) with a Microsoft Entra ID token from DefaultAzureCredential"))
            #expect(!result.errors.contains(token))
            #expect(!result.lines.contains { $0.contains(token) })
            // One token, asked once, for the Azure Database for PostgreSQL scope.
            #expect(endpoint.requests.count == 1)
            #expect(endpoint.requests.first?.form["scope"] == EntraScope.azurePostgreSQL)
            #expect(endpoint.requests.first?.path == "/tenant/oauth2/v2.0/token")
        }
    }

    @Test("no DBPASSWORD with --backend mssql: the quickstart explains that FreeTDS has no Entra sign-in")
    func passwordlessSQLServer() async throws {
        try await offPool {
            let result = try run(
                ["--backend", "mssql"], environment: ["DBHOST": "127.0.0.1", "DBPORT": "1", "DBUSER": "someone"])
            #expect(result.status == 1)
            #expect(result.errors.contains("FreeTDS DB-Library cannot send an access token"))
            #expect(result.lines.isEmpty)
        }
    }
}
