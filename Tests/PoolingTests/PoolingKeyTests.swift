import DBCore
import Foundation
import PGDriver
import TestSupport
import Testing
import ThrowawayServers

/// The pool keys of a connection string set the pool ConnectionPools keeps for the configuration.
@Suite("Pooling keys in connection strings")
struct PoolingKeyTests {
    private func configuration(_ pairs: String) throws -> ConnectionConfiguration {
        let server = try poolingDatabase.server()
        return try ConnectionConfiguration(
            connectionString: "Host=\(server.host);Port=\(server.port);Database=\(server.defaultDatabase);"
                + "Username=\(server.superuser);Password=\(server.superuserPassword.revealed);Ssl Mode=Disable;"
                + "Application Name=\(poolingDatabase.uniqueName("keys"));" + pairs)
    }

    @Test("Max Pool Size, Min Pool Size and Connection Lifetime become the registry pool's settings")
    func sizes() throws {
        let configuration = try configuration("Max Pool Size=3;Min Pool Size=1;Connection Lifetime=120")
        let pool = ConnectionPools.pool(driver: PGDriver(), configuration: configuration)
        defer { ConnectionPools.close(driver: PGDriver(), configuration: configuration) }
        #expect(pool.settings.maximumSize == 3)
        #expect(pool.settings.minimumIdle == 1)
        #expect(pool.settings.maximumLifetime == 120)
        #expect(try pool.withConnection { try $0.integer("SELECT 2") } == 2)
    }

    @Test("Pooling=false: every returned connection is closed, none kept idle")
    func poolingOff() throws {
        let configuration = try configuration("Pooling=false")
        let pool = ConnectionPools.pool(driver: PGDriver(), configuration: configuration)
        defer { ConnectionPools.close(driver: PGDriver(), configuration: configuration) }
        for _ in 0..<3 { #expect(try pool.withConnection { try $0.integer("SELECT 1") } == 1) }
        #expect(pool.statistics.idle == 0)
        #expect(pool.statistics.created == 3)
    }
}
