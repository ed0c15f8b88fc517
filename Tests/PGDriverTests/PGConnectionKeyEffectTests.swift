import DBCore
import Foundation
import Testing
import ThrowawayServers

@testable import PGDriver

/// Connection-string keys take effect on PostgreSQL connections.
@Suite("PostgreSQL connection-string keys take effect")
struct PGConnectionKeyEffectTests {
    @Test("ApplicationIntent=ReadOnly asks libpq for prefer-standby (the primary serves when there is none)")
    func readOnlyIntent() throws {
        var configuration = try TestDatabase.server().configuration()
        configuration.applicationIntent = .readOnly
        let pairs = PQConnectParameters.pairs(configuration)
        #expect(pairs.contains { $0 == ("target_session_attrs", "prefer-standby") })
        configuration.options["target_session_attrs"] = "any"
        #expect(!PQConnectParameters.pairs(configuration).contains { $0 == ("target_session_attrs", "prefer-standby") })
        configuration.options["target_session_attrs"] = nil
        let connection = try PGDriver.connect(configuration)
        defer { connection.close() }
        #expect(try connection.scalar("SELECT 1") == .int(1))
    }

    @Test("Npgsql's Search Path and Keepalive reach the session through libpq")
    func npgsqlKeys() throws {
        let server = try TestDatabase.server()
        let schema = TestDatabase.uniqueName("path")
        let admin = try TestDatabase.connect()
        defer { admin.close() }
        try admin.run("CREATE SCHEMA \(schema)")
        let parsed = try ConnectionConfiguration(
            connectionString: "Host=\(server.host);Port=\(server.port);Database=\(server.defaultDatabase);"
                + "Username=\(server.superuser);Password=\(server.superuserPassword.revealed);Ssl Mode=Disable;"
                + "Search Path=\(schema);Keepalive=20;Tcp Keepalive=true")
        let connection = try PGDriver.connect(parsed)
        defer { connection.close() }
        #expect(try connection.scalar("SHOW search_path") == .string(schema))
    }
}
