import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// Logins with each ``TLSMode`` against the shared sandbox, which offers no TLS (its PRELOGIN answers "encryption
/// not supported"): the modes that may go without TLS connect, the ones that require it fail and say why.
@Suite(
    "TLS modes against a server without TLS",
    // These tests need a sandbox configured for them (TLS certificates, a SQL Server Browser responder, or a server
    // without TLS), which a server named by MSSQL_TEST_URL is not.
    .enabled(if: MSSQLTestServer.usesInProcessSandbox, Comment(rawValue: MSSQLTestServer.needsInProcessSandbox))
)
struct TLSModeLoginTests {
    private func configuration(_ mode: TLSMode, caFile: String? = nil) throws -> ConnectionConfiguration {
        var configuration = try RealSandbox.configuration()
        configuration.tls = mode
        configuration.tlsRootCertificatePath = caFile
        configuration.connectRetry = .none  // a refused TLS login ends in 20017 (transient): one attempt
        return configuration
    }

    @Test("disable, allow and prefer log in and run a query", arguments: [TLSMode.disable, .allow, .prefer])
    func optionalTLSConnects(mode: TLSMode) async throws {
        try await offPool {
            let connection = try MSSQLConnection.connect(configuration(mode))
            defer { connection.close() }
            #expect(try connection.scalar("SELECT 41 + 1") == .int(42))
        }
    }

    @Test(
        "require, verify-ca and verify-full fail as connectionFailed, saying TLS was required",
        arguments: [TLSMode.require, .verifyCA, .verifyFull])
    func requiredTLSFails(mode: TLSMode) async throws {
        try await offPool {
            let configuration = try configuration(mode)
            let password = try #require(configuration.password?.revealed)
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("TLS was required (tls=\(mode.rawValue))"))
            #expect(error.message.contains("the server may not offer encryption"))
            if mode != .require { #expect(error.message.contains("the system's trusted CAs")) }
            #expect(!error.debugDescription.contains(password))
            #expect(!error.description.contains(password))
        }
    }

    @Test(
        "each mode sends FreeTDS's PRELOGIN encryption byte: off → not supported, request → off, require → on",
        arguments: TLSMode.allCases)
    func preloginEncryption(mode: TLSMode) async throws {
        let expected: UInt8 =
            switch mode {
            case .disable: 0x02  // ENCRYPT_NOT_SUP
            case .allow, .prefer: 0x00  // ENCRYPT_OFF: TLS for the login at least, when the server can
            case .require, .verifyCA, .verifyFull: 0x01  // ENCRYPT_ON
            }
        try await offPool {
            let capture = try PreloginCapture()
            defer { capture.cancel() }
            var configuration = ConnectionConfiguration(
                backend: .sqlServer, host: "127.0.0.1", port: capture.port, user: "sa",
                password: Secret("prelogin-secret"), tls: mode, connectTimeout: 5)
            configuration.connectRetry = .none  // the capture closes the socket (20017, transient): one attempt
            let error = databaseError { _ = try MSSQLConnection.connect(configuration) }
            #expect(error?.kind == .connectionFailed)
            #expect(try capture.encryptionByte() == expected)
        }
    }

    @Test("a CA file that cannot be read is a configuration error, before any connection")
    func unreadableCAFile() async throws {
        try await offPool {
            let configuration = try configuration(.verifyFull, caFile: "/nonexistent-\(UUID().uuidString)/ca.pem")
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("TLS root certificate file /nonexistent-"))
        }
    }

    @Test("no login settings file is left behind after logins that succeed and logins that fail")
    func noLeftoverFiles() async throws {
        try await offPool {
            let good = try MSSQLConnection.connect(configuration(.prefer))
            good.close()
            _ = databaseError { _ = try MSSQLConnection.connect(try configuration(.require)) }
            var badPassword = try configuration(.prefer)
            badPassword.password = Secret("wrong-password-for-leftovers")
            _ = databaseError { _ = try MSSQLConnection.connect(badPassword) }
            let files = FreeTDSLoginFiles.shared
            // Logins write their file under the login lock: holding it, no login is in progress. (On Linux the
            // files never have a name, and the directory holds nothing ever.)
            let leftovers = DBLibEnvironment.shared.loginLock.withLock { files.leftovers() }
            #expect(leftovers == [])
        }
    }
}
