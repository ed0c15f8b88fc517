import DBAzureIdentity
import DBCore
import Foundation
import MSSQLDriver
import PGDriver
import TestSupport
import Testing

@Suite("Passwordless sign-in through a pool")
struct PasswordlessPoolTests {
    @Test(
        "a role whose password is the issued token logs in through a pool; an expiring token is refreshed before the next connection; no token is logged"
    )
    func tokenLoginAndRefresh() async throws {
        let tokens = [FakeTokens.make("pg-first"), FakeTokens.make("pg-second")]
        let served = Box(0)
        let server = try LoopbackHTTPServer { _ in
            FakeTokens.response(
                tokens[
                    served.withLock { value in
                        defer { value += 1 }
                        return Swift.min(value, 1)
                    }])
        }
        defer { server.stop() }
        let role = identityDatabase.uniqueName("entra_user")
        let admin = try identityDatabase.adminConnection()
        defer {
            _ = try? admin.rows("DROP ROLE IF EXISTS \(role)")
            admin.close()
        }
        try admin.rows("CREATE ROLE \(role) LOGIN PASSWORD '\(tokens[0])'")

        let now = Box(Date())
        let credential = ClientSecretCredential(
            tenantID: "tenant", clientID: "app", clientSecret: Secret("client-secret-text"),
            authorityHost: URL(string: server.baseURL)!, clock: { now.withLock { $0 } })
        var configuration = try identityDatabase.configuration()
        configuration.user = role
        configuration.password = nil
        let (logger, logs) = CapturingLogHandler.logger()
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: configuration, credential: credential,
            settings: PoolConfiguration(maximumSize: 2), logger: logger)
        defer { pool.close() }

        let user = try await pool.withConnection { connection in
            try await connection.query("SELECT current_user")[0].get(String.self, at: 0)
        }
        #expect(user == role)
        #expect(server.requests.first?.form["scope"] == EntraScope.azurePostgreSQL)

        // The token nears its expiry while the first connection stays open; Entra would issue a new one, so the
        // role's password becomes the second token, and the pool's next connection must use it.
        now.withLock { $0 = $0.addingTimeInterval(3600 - 120) }
        try admin.rows("ALTER ROLE \(role) PASSWORD '\(tokens[1])'")
        let held = try await pool.acquireAsync()
        let second = try await pool.withConnection { connection in
            try await connection.query("SELECT current_user")[0].get(String.self, at: 0)
        }
        await pool.releaseAsync(held)
        #expect(second == role)
        #expect(pool.statistics.created == 2)
        #expect(server.requests.count == 2)

        for token in tokens {
            #expect(!logs.all.contains { $0.contains(token) })
            #expect(!"\(configuration)".contains(token))
        }
        #expect(!logs.all.contains { $0.contains("client-secret-text") })
    }

    @Test("a rejected token is a clear authentication error that does not show the token")
    func rejectedToken() throws {
        let token = FakeTokens.make("rejected")
        let credential = StaticTokenCredential(
            AccessToken(token: Secret(token), expiresOn: Date().addingTimeInterval(3600)))
        var configuration = try identityDatabase.configuration()
        configuration.user = identityDatabase.uniqueName("no_such_entra_user")
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: configuration, credential: credential,
            settings: PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        do {
            try pool.withConnection { _ in }
            Issue.record("expected an error")
        } catch let error as DatabaseError {
            #expect(error.kind == .authenticationFailed)
            #expect(!error.description.contains(token))
            #expect(!error.debugDescription.contains(token))
        }
        #expect(pool.statistics.open == 0)
    }

    @Test("MSSQLDriver refuses an Entra ID sign-in and says why")
    func sqlServerRefusesTokens() async throws {
        let token = FakeTokens.make("mssql")
        let credential = StaticTokenCredential(
            AccessToken(token: Secret(token), expiresOn: Date().addingTimeInterval(3600)))
        let pool = ConnectionPool(
            driver: MSSQLDriver(),
            configuration: ConnectionConfiguration(backend: .sqlServer, host: "127.0.0.1", port: 1, user: "me"),
            credential: credential, settings: PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        do {
            try await pool.withConnection { connection in try await connection.ping() }
            Issue.record("expected an error")
        } catch let error as DatabaseError {
            #expect(error.kind == .unsupported)
            #expect(error.message.contains("FreeTDS"))
            #expect(error.message.contains("access token"))
            #expect(!error.description.contains(token))
        }
        #expect(pool.statistics.open == 0)
    }
}
