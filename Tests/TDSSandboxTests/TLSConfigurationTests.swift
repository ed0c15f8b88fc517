import Foundation
import NIOCore
import Testing
import ThrowawayServers

@testable import TDSSandbox

/// The PRELOGIN encryption table ([MS-TDS] 2.2.6.5) and the TLS settings, without a client.
@Suite("TLS: negotiation and configuration")
struct TLSConfigurationTests {
    typealias Row = (
        policy: TDSSandboxEncryptionPolicy, client: UInt8?, reply: UInt8, outcome: EncryptionNegotiation.Outcome
    )

    /// An engine factory that refuses every login (these servers never get one).
    static let refuseAll: SessionEngineFactory = { _ in
        throw SQLServerMessage(number: 18456, severity: 14, message: "no logins here")
    }

    /// Client ENCRYPT_OFF 0x00, ON 0x01, NOT_SUP 0x02, REQ 0x03; `nil`: no ENCRYPTION option.
    static let table: [Row] = [
        (.notSupported, 0x00, 0x02, .plaintext),
        (.notSupported, 0x01, 0x02, .terminate),
        (.notSupported, 0x02, 0x02, .plaintext),
        (.notSupported, 0x03, 0x02, .terminate),
        (.notSupported, nil, 0x02, .plaintext),
        (.supported, 0x00, 0x00, .loginOnly),
        (.supported, 0x01, 0x01, .full),
        (.supported, 0x02, 0x02, .plaintext),
        (.supported, 0x03, 0x01, .full),
        (.supported, 0x80, 0x02, .terminate),
        (.required, 0x00, 0x03, .full),
        (.required, 0x01, 0x01, .full),
        (.required, 0x02, 0x03, .terminate),
        (.required, 0x03, 0x01, .full),
        (.required, nil, 0x03, .terminate),
    ]

    @Test func negotiationFollowsTheSpecificationTable() {
        for row in Self.table {
            let result = EncryptionNegotiation.negotiate(policy: row.policy, client: row.client)
            #expect(result.reply.rawValue == row.reply, "\(row.policy) / \(String(describing: row.client))")
            #expect(result.outcome == row.outcome, "\(row.policy) / \(String(describing: row.client))")
        }
    }

    @Test func preloginReplyCarriesTheNegotiatedByte() throws {
        let reply = PreloginMessage.reply(version: (16, 0, 1000), encryption: .required)
        // The ENCRYPTION option is the second directory entry: token 0x01, offset (big-endian), length 1.
        let offset = try #require(reply.getInteger(at: reply.readerIndex + 6, endianness: .big, as: UInt16.self))
        #expect(reply.getInteger(at: reply.readerIndex + 5, as: UInt8.self) == 0x01)
        #expect(reply.getInteger(at: reply.readerIndex + Int(offset), as: UInt8.self) == 0x03)
    }

    @Test func encryptionDefaultsFollowTheCertificate() {
        var configuration = TDSSandboxConfiguration()
        #expect(configuration.encryption == .notSupported)
        configuration.tls = TDSSandboxTLSConfiguration(certificateChainPath: "/c.pem", privateKeyPath: "/k.pem")
        #expect(configuration.encryption == .supported)
        configuration.encryption = .required
        #expect(configuration.encryption == .required)
        #expect(TDSSandboxEncryptionPolicy(rawValue: "not-supported") == .notSupported)
    }

    @Test func policyNeedingACertificateWithoutOneRefusesToStart() {
        let server = TDSSandboxServer(configuration: TDSSandboxConfiguration(encryption: .required))
        defer { server.stop() }
        #expect(throws: TDSSandboxTLSError.self) {
            try server.start(host: "127.0.0.1", port: 0, engineFactory: Self.refuseAll)
        }
    }

    @Test func unreadableCertificateRefusesToStart() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let missing = TDSSandboxTLSConfiguration(
            certificateChainPath: certificates.directory + "/missing.crt", privateKeyPath: certificates.server.keyPath)
        let server = TDSSandboxServer(configuration: TDSSandboxConfiguration(tls: missing))
        defer { server.stop() }
        let error = #expect(throws: TDSSandboxTLSError.self) {
            try server.start(host: "127.0.0.1", port: 0, engineFactory: Self.refuseAll)
        }
        #expect(error?.reason.contains("missing.crt") == true)
        // A key that belongs to another certificate is refused too.
        let mismatched = TDSSandboxTLSConfiguration(
            certificateChainPath: certificates.server.certificatePath, privateKeyPath: certificates.authority.keyPath)
        #expect(throws: TDSSandboxTLSError.self) { _ = try TLSServerContext(configuration: mismatched) }
        #expect(throws: Never.self) { _ = try TLSServerContext(configuration: certificates.tls) }
    }
}
