import Foundation
import TDSSandbox
import Testing
import ThrowawayServers

/// TLS the way SQL Server does it for TDS 7.x, driven by FreeTDS's `tsql` (GnuTLS) over loopback: certificates
/// made per test, a freetds.conf per run, the real PostgreSQL engine behind the sandbox.
///
/// Encryption is proven twice: the sandbox reports how each LOGIN7 arrived (``TDSSandboxServer/loginEncryptions``,
/// set only by the TLS layer once it really decrypted), and FreeTDS's own dump (TDSDUMP) shows the crypt flag it
/// received and its "handshake succeeded" line.
@Suite(
    "TLS: FreeTDS tsql against the sandbox",
    .enabled(if: EndToEndSandbox.hasTsql, "tsql is not installed"))
struct TLSFreeTDSTests {
    /// tsql prints this when it could not log in.
    static let connectionFailure = "There was a problem connecting to the server"

    @Test func requireWithTrustedCAAndHostnameCheckEncryptsEverything() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .supported)
        let client = FreeTDSClientTLS(encryption: "require", caFile: certificates.authority.certificatePath)
        let (output, dump) = try sandbox.tsql(
            "SELECT 40 + 2 AS answer\ngo\nSELECT REPLICATE('ab', 30000) AS big\ngo\nexit\n", client: client)
        #expect(output.errors.isEmpty, "\(output.printed)")
        #expect(output.tables.first?.rows == [["42"]], "\(output.printed)")
        #expect(output.printed.contains(String(repeating: "ab", count: 30000)))
        #expect(sandbox.server.loginEncryptions == [.full])
        #expect(dump.contains("detected crypt flag 1"))
        #expect(dump.contains("handshake succeeded"))
    }

    @Test func requestAgainstSupportedEncryptsOnlyTheLogin() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .supported)
        let client = FreeTDSClientTLS(encryption: "request", caFile: certificates.authority.certificatePath)
        let (output, dump) = try sandbox.tsql(
            "SELECT 'first' AS a\ngo\nSELECT 'second' AS b\ngo\nexit\n", client: client)
        #expect(output.errors.isEmpty, "\(output.printed)")
        #expect(output.tables.map(\.rows) == [[["first"]], [["second"]]], "\(output.printed)")
        #expect(sandbox.server.loginEncryptions == [.loginOnly])
        #expect(dump.contains("detected crypt flag 0"))
        #expect(dump.contains("handshake succeeded"))
    }

    @Test func requestAgainstRequiredEncryptsEverything() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .required)
        let client = FreeTDSClientTLS(encryption: "request", caFile: certificates.authority.certificatePath)
        let (output, dump) = try sandbox.tsql("SELECT 7 AS seven\ngo\nexit\n", client: client)
        #expect(output.errors.isEmpty, "\(output.printed)")
        #expect(output.tables.first?.rows == [["7"]], "\(output.printed)")
        #expect(sandbox.server.loginEncryptions == [.full])
        #expect(dump.contains("detected crypt flag 3"))
    }

    @Test func requireAgainstAServerWithoutTLSFails() throws {
        let sandbox = try EndToEndSandbox()
        let client = FreeTDSClientTLS(encryption: "require", caFile: nil, checkHostname: false)
        let (output, dump) = try sandbox.tsql("SELECT 1\ngo\nexit\n", client: client)
        #expect(output.printed.contains(Self.connectionFailure), "\(output.printed)")
        #expect(dump.contains("detected crypt flag 2"))
        #expect(sandbox.server.loginEncryptions.isEmpty)
        #expect(sandbox.eventually { sandbox.server.sessionCount == 0 })
    }

    @Test func clientWithoutEncryptionIsDisconnectedByRequired() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .required)
        let client = FreeTDSClientTLS(encryption: "off", caFile: certificates.authority.certificatePath)
        let (output, dump) = try sandbox.tsql("SELECT 1\ngo\nexit\n", client: client)
        #expect(output.printed.contains(Self.connectionFailure), "\(output.printed)")
        #expect(dump.contains("detected crypt flag 3"))
        #expect(sandbox.server.loginEncryptions.isEmpty)
        #expect(sandbox.eventually { sandbox.server.sessionCount == 0 })
    }

    @Test func untrustedCertificateFailsTheHandshakeAndFreesTheSession() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .required)
        let client = FreeTDSClientTLS(encryption: "require", caFile: certificates.strangerAuthority.certificatePath)
        let (output, dump) = try sandbox.tsql("SELECT 1\ngo\nexit\n", client: client)
        #expect(output.printed.contains(Self.connectionFailure), "\(output.printed)")
        #expect(!dump.contains("handshake succeeded"))
        #expect(sandbox.server.loginEncryptions.isEmpty)
        #expect(sandbox.eventually { sandbox.server.sessionCount == 0 && sandbox.server.failedHandshakeCount == 1 })
        #expect(try sandbox.backends(application: "TSQL").isEmpty)
        // The server is unharmed: a client trusting the right CA gets in.
        let trusting = FreeTDSClientTLS(encryption: "require", caFile: certificates.authority.certificatePath)
        let (second, _) = try sandbox.tsql("SELECT 5 AS five\ngo\nexit\n", client: trusting)
        #expect(second.tables.first?.rows == [["5"]], "\(second.printed)")
        #expect(sandbox.server.loginEncryptions == [.full])
    }

    @Test func certificateForAnotherHostFailsOnlyWithTheHostnameCheck() throws {
        let certificates = try TLSTestCertificates(hostNames: ["db.elsewhere.test"], ipAddresses: [])
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .required)
        var client = FreeTDSClientTLS(encryption: "require", caFile: certificates.authority.certificatePath)
        let (refused, refusedDump) = try sandbox.tsql("SELECT 1\ngo\nexit\n", client: client)
        #expect(refused.printed.contains(Self.connectionFailure), "\(refused.printed)")
        #expect(!refusedDump.contains("handshake succeeded"))
        #expect(sandbox.eventually { sandbox.server.failedHandshakeCount == 1 })

        client.checkHostname = false
        let (accepted, acceptedDump) = try sandbox.tsql("SELECT 9 AS nine\ngo\nexit\n", client: client)
        #expect(accepted.tables.first?.rows == [["9"]], "\(accepted.printed)")
        #expect(acceptedDump.contains("handshake succeeded"))
        #expect(sandbox.server.loginEncryptions == [.full])
    }

    @Test func hostnameCheckMatchesTheNameTheClientDialled() throws {
        let certificates = try TLSTestCertificates(hostNames: ["localhost"], ipAddresses: [])
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .supported)
        var client = FreeTDSClientTLS(encryption: "require", caFile: certificates.authority.certificatePath)
        client.host = "localhost"
        let (byName, byNameDump) = try sandbox.tsql("SELECT 3 AS three\ngo\nexit\n", client: client)
        #expect(byName.tables.first?.rows == [["3"]], "\(byName.printed)")
        #expect(byNameDump.contains("handshake succeeded"))
        // The same certificate names no IP address: dialling 127.0.0.1 fails the check.
        client.host = "127.0.0.1"
        let (byAddress, _) = try sandbox.tsql("SELECT 3 AS three\ngo\nexit\n", client: client)
        #expect(byAddress.printed.contains(Self.connectionFailure), "\(byAddress.printed)")
        #expect(sandbox.server.loginEncryptions == [.full])
        #expect(sandbox.eventually { sandbox.server.failedHandshakeCount == 1 })
    }
}
