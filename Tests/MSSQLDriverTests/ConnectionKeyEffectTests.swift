import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// Connection-string keys take effect on SQL Server logins, over the real wire to the sandbox.
@Suite("SQL Server connection-string keys take effect")
struct ConnectionKeyEffectTests {
    @Test("ApplicationIntent=ReadOnly writes FreeTDS's read-only intent; the login still succeeds")
    func readOnlyIntent() throws {
        var configuration = try RealSandbox.configuration()
        configuration.applicationIntent = .readOnly
        #expect(try FreeTDSLoginConfig(configuration).text.contains("\tread-only intent = yes\n"))
        configuration.applicationIntent = .readWrite
        #expect(try !FreeTDSLoginConfig(configuration).text.contains("read-only intent"))
        configuration.applicationIntent = .readOnly
        let connection = try MSSQLConnection.connect(configuration)
        defer { connection.close() }
        try connection.ping()
    }

    @Test("Packet Size, Workstation ID and Current Language are set on the login, which succeeds")
    func loginFields() throws {
        let base = try RealSandbox.configuration()
        let parsed = try ConnectionConfiguration(
            connectionString: "Server=tcp:\(base.host),\(base.port!);Initial Catalog=\(base.database!);"
                + "User ID=\(base.user!);Password=\(base.password!.revealed);Packet Size=8192;"
                + "Workstation ID=faults-ws;Current Language=us_english;Encrypt=False")
        #expect(try FreeTDSLoginConfig.packetSize(parsed) == 8192)
        let connection = try MSSQLConnection.connect(parsed)
        defer { connection.close() }
        // The sandbox has no HOST_NAME(): the login with these LOGINREC fields set is what is checked here.
        try connection.ping()
        #expect(parsed.options["workstation_id"] == "faults-ws" && parsed.options["language"] == "us_english")
    }

    @Test("Authentication=Active Directory … is refused as unsupported, saying what to use instead")
    func entraRefused() throws {
        var configuration = try RealSandbox.configuration()
        configuration.authentication = .entraManagedIdentity
        let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
        #expect(error.kind == .unsupported)
        #expect(error.message.contains("FreeTDS") && error.message.contains("SqlPassword"))
    }
}
