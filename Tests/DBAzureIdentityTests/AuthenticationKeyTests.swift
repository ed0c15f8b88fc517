import DBAzureIdentity
import DBCore
import Foundation
import PGDriver
import TestSupport
import Testing

/// The `Authentication=` key end to end: DBCore records it, DBAzureIdentity turns it into a credential, and a
/// connect with the key and no credential fails instead of signing in another way.
@Suite("Authentication= key: the credential it names, and no connect without one")
struct AuthenticationKeyTests {
    private func adoNet(_ pairs: String) throws -> ConnectionConfiguration {
        try ConnectionConfiguration(connectionString: "Server=tcp:db.example.com,1433;User ID=u;Password=p;" + pairs)
    }

    @Test("each Entra method names its credential; user and password names none")
    func credentialPerMethod() throws {
        let environment = [
            "AZURE_TENANT_ID": "tenant", "AZURE_CLIENT_ID": "app", "AZURE_FEDERATED_TOKEN_FILE": "/nonexistent/token",
        ]
        func credential(_ pairs: String) throws -> (any TokenCredential)? {
            try adoNet(pairs).configuredCredential(environment: environment)
        }
        #expect(try credential("Authentication=Active Directory Default") is DefaultAzureCredential)
        #expect(try credential("Authentication=Active Directory Managed Identity") is ManagedIdentityCredential)
        #expect(try credential("Authentication=Active Directory Service Principal") is ClientSecretCredential)
        #expect(try credential("Authentication=Active Directory Workload Identity") is WorkloadIdentityCredential)
        #expect(try credential("Authentication=SqlPassword") == nil)
        #expect(try credential("") == nil)
    }

    @Test("the same configuration and environment give the same credential, so ConnectionPools keeps one pool")
    func sameCredentialSamePool() throws {
        let environment = ["AZURE_TENANT_ID": "tenant", "AZURE_CLIENT_ID": identityDatabase.uniqueName("app")]
        let configuration = try adoNet("Authentication=Active Directory Default")
        let first = try #require(configuration.configuredCredential(environment: environment))
        let second = try #require(configuration.configuredCredential(environment: environment))
        #expect(first === second)
        var other = environment
        other["AZURE_CLIENT_ID"] = identityDatabase.uniqueName("other")
        #expect(configuration.configuredCredential(environment: other) !== first)
        let changedPassword = try adoNet("Authentication=Active Directory Default;Password=q")
        #expect(changedPassword.configuredCredential(environment: environment) !== first)

        let pool = ConnectionPools.pool(driver: PGDriver(), configuration: configuration, credential: first)
        defer { ConnectionPools.close(driver: PGDriver(), configuration: configuration, credential: first) }
        #expect(ConnectionPools.pool(driver: PGDriver(), configuration: configuration, credential: second) === pool)
    }

    @Test("a service principal without tenant and client ID fails its token request, naming what is missing")
    func servicePrincipalMissingSettings() async throws {
        let credential = try #require(
            try adoNet("Authentication=Active Directory Service Principal").configuredCredential(environment: [:]))
        do {
            _ = try await credential.token(for: [EntraScope.azurePostgreSQL])
            Issue.record("expected an error")
        } catch let error as DatabaseError {
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("AZURE_TENANT_ID"))
            #expect(error.message.contains("AZURE_CLIENT_ID"))
            #expect(!error.message.contains("Password=p"))
        }
    }

    @Test("an Entra Authentication= key without a credential opens no connection: PGDriver, AsyncConnection, pool")
    func noCredentialNoConnect() async throws {
        let valid = try identityDatabase.configuration()
        // The configuration itself signs in (its password is right): only the missing credential can stop it.
        try await offPool { try PGDriver.connect(valid).close() }
        var entra = valid
        entra.authentication = .entraDefault

        func expectInstructions(_ error: DatabaseError) {
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("Authentication=Active Directory Default"))
            #expect(error.message.contains("import DBAzureIdentity"))
            #expect(error.message.contains("configuredCredential()"))
            #expect(error.message.contains("signingInWithConfiguredCredential(driver:)"))
        }
        do {
            try await offPool { _ = try PGDriver.connect(entra) }
            Issue.record("PGDriver.connect opened a connection without a credential")
        } catch let error as DatabaseError {
            expectInstructions(error)
        }
        do {
            _ = try await AsyncConnection.connect(entra, driver: PGDriver())
            Issue.record("AsyncConnection.connect opened a connection without a credential")
        } catch let error as DatabaseError {
            expectInstructions(error)
        }
        let pool = ConnectionPool(driver: PGDriver(), configuration: entra, settings: PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        do {
            try await pool.withConnection { connection in try await connection.ping() }
            Issue.record("the pool opened a connection without a credential")
        } catch let error as DatabaseError {
            expectInstructions(error)
        }
        #expect(pool.statistics.created == 0)
    }

    @Test("a token obtained elsewhere satisfies the key: signingIn(with:driver:) then PGDriver.connect signs in")
    func tokenFromElsewhere() async throws {
        let token = FakeTokens.make("elsewhere")
        let role = identityDatabase.uniqueName("entra_elsewhere")
        let admin = try identityDatabase.adminConnection()
        defer {
            _ = try? admin.rows("DROP ROLE IF EXISTS \(role)")
            admin.close()
        }
        try admin.rows("CREATE ROLE \(role) LOGIN PASSWORD '\(token)'")
        var configuration = try identityDatabase.configuration()
        configuration.user = role
        configuration.password = nil
        configuration.authentication = .entraManagedIdentity
        let signedIn = try configuration.signingIn(
            with: AccessToken(token: Secret(token), expiresOn: Date().addingTimeInterval(3600)), driver: PGDriver())
        #expect(signedIn.authentication == nil)
        let user = try await offPool {
            let connection = try PGDriver.connect(signedIn)
            defer { connection.close() }
            return try connection.rows("SELECT current_user")[0].get(String.self, at: 0)
        }
        #expect(user == role)
    }

    @Test("what a user writes: the pool signs in with the credential the Authentication= key names")
    func poolWithConfiguredCredential() async throws {
        let token = FakeTokens.make("configured")
        let endpoint = try LoopbackHTTPServer { _ in FakeTokens.response(token) }
        defer { endpoint.stop() }
        let role = identityDatabase.uniqueName("entra_principal")
        let admin = try identityDatabase.adminConnection()
        defer {
            _ = try? admin.rows("DROP ROLE IF EXISTS \(role)")
            admin.close()
        }
        try admin.rows("CREATE ROLE \(role) LOGIN PASSWORD '\(token)'")

        var configuration = try identityDatabase.configuration()
        configuration.user = role
        configuration.password = nil
        configuration.authentication = .entraServicePrincipal
        let environment = [
            "AZURE_TENANT_ID": "tenant", "AZURE_CLIENT_ID": "app", "AZURE_CLIENT_SECRET": "client-secret-text",
            "AZURE_AUTHORITY_HOST": endpoint.baseURL,
        ]
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: configuration,
            credential: configuration.configuredCredential(environment: environment),
            settings: PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        let user = try await pool.withConnection { connection in
            try await connection.query("SELECT current_user")[0].get(String.self, at: 0)
        }
        #expect(user == role)
        #expect(endpoint.requests.count == 1)
        #expect(endpoint.requests.first?.form["client_secret"] == "client-secret-text")
        #expect(endpoint.requests.first?.form["scope"] == EntraScope.azurePostgreSQL)
    }
}
