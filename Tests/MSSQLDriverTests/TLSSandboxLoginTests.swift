import DBCore
import Foundation
import MSSQLDriver
import TDSSandbox
import Testing
import ThrowawayServers

/// Logins with each ``TLSMode`` against a sandbox that offers TLS, over loopback: what FreeTDS negotiates is read
/// back from the server (``TDSSandboxServer/loginEncryptions``), and certificate checks fail where they must.
@Suite(
    "TLS modes against a server with TLS",
    // These tests need a sandbox configured for them (TLS certificates, a SQL Server Browser responder, or a server
    // without TLS), which a server named by MSSQL_TEST_URL is not.
    .enabled(if: MSSQLTestServer.usesInProcessSandbox, Comment(rawValue: MSSQLTestServer.needsInProcessSandbox))
)
struct TLSSandboxLoginTests {
    @Test("require encrypts the whole session and checks no certificate")
    func requireEncryptsWithoutVerification() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .supported)
            // The client trusts a CA that did not sign the server's certificate: require does not look.
            let connection = try MSSQLConnection.connect(
                sandbox.configuration(.require, rootCertificate: sandbox.stranger.certificatePath))
            defer { connection.close() }
            #expect(try connection.scalar("SELECT 41 + 1") == .int(42))
            #expect(sandbox.server.loginEncryptions == [.full])
        }
    }

    @Test("verify-full with the signing CA connects, fully encrypted, and carries a 1 MB value both ways")
    func verifyFullWithRightCA() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .supported)
            let connection = try MSSQLConnection.connect(
                sandbox.configuration(.verifyFull, rootCertificate: sandbox.authority.certificatePath))
            defer { connection.close() }
            let big = String(repeating: "TLS-é-", count: 1 << 17)
            let echoed = try connection.scalar("SELECT %s AS v", [big])
            #expect(echoed == .string(big))
            #expect(sandbox.server.loginEncryptions == [.full])
        }
    }

    @Test(
        "verify-full and verify-ca fail against a certificate from another CA, naming the CA file",
        arguments: [TLSMode.verifyFull, .verifyCA])
    func wrongCAFails(mode: TLSMode) async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .supported)
            let configuration = sandbox.configuration(mode, rootCertificate: sandbox.stranger.certificatePath)
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("TLS was required (tls=\(mode.rawValue))"))
            #expect(error.message.contains(sandbox.stranger.certificatePath))
            #expect(sandbox.server.loginEncryptions.isEmpty)
            // The server sees the client go a moment after the client gives up.
            #expect(sandbox.eventually { sandbox.server.failedHandshakeCount == 1 })
        }
    }

    @Test("verify-full without a CA file trusts only the system's CAs, which did not sign the test certificate")
    func systemTrustRejectsTestCA() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .supported)
            let error = try #require(
                databaseError {
                    _ = try MSSQLConnection.connect(sandbox.configuration(.verifyFull, rootCertificate: nil))
                })
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("the system's trusted CAs"))
            #expect(sandbox.server.loginEncryptions.isEmpty)
        }
    }

    @Test("a certificate for another host name: verify-ca connects, verify-full refuses it")
    func hostNameCheck() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .supported, hostNames: ["db.example.test"], ipAddresses: [])
            let ca = sandbox.authority.certificatePath
            let connection = try MSSQLConnection.connect(sandbox.configuration(.verifyCA, rootCertificate: ca))
            #expect(try connection.scalar("SELECT 7") == .int(7))
            connection.close()
            let error = try #require(
                databaseError {
                    _ = try MSSQLConnection.connect(sandbox.configuration(.verifyFull, rootCertificate: ca))
                })
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("does not name the host '127.0.0.1'"))
            #expect(sandbox.server.loginEncryptions == [.full])
        }
    }

    @Test("verify-full dialling 'localhost' matches a certificate that names localhost")
    func verifyFullByHostName() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .supported, hostNames: ["localhost"], ipAddresses: [])
            let configuration = sandbox.configuration(
                .verifyFull, rootCertificate: sandbox.authority.certificatePath, host: "localhost")
            let connection = try MSSQLConnection.connect(configuration)
            defer { connection.close() }
            #expect(try connection.scalar("SELECT 'ok'") == .string("ok"))
            #expect(sandbox.server.loginEncryptions == [.full])
        }
    }

    @Test("prefer against a server that supports TLS encrypts the login only, then runs queries in plaintext")
    func preferEncryptsLogin() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .supported)
            let connection = try MSSQLConnection.connect(sandbox.configuration(.prefer, rootCertificate: nil))
            defer { connection.close() }
            #expect(try connection.query("SELECT 1 AS a UNION ALL SELECT 2").count == 2)
            #expect(sandbox.server.loginEncryptions == [.loginOnly])
        }
    }

    @Test("prefer against a server that requires TLS encrypts everything")
    func preferFollowsRequiredServer() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .required)
            let connection = try MSSQLConnection.connect(sandbox.configuration(.prefer, rootCertificate: nil))
            defer { connection.close() }
            #expect(try connection.scalar("SELECT 3") == .int(3))
            #expect(sandbox.server.loginEncryptions == [.full])
        }
    }

    @Test("disable against a server that requires TLS fails as connectionFailed")
    func disableAgainstRequiredServer() async throws {
        try await offPool {
            let sandbox = try TLSSandbox(policy: .required)
            var configuration = sandbox.configuration(.disable, rootCertificate: nil)
            configuration.connectRetry = .none  // the server ends the connection (20017, transient): one attempt
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .connectionFailed)
            #expect(sandbox.server.loginEncryptions.isEmpty)
        }
    }
}
