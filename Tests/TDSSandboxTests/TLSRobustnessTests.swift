import Foundation
import Testing
import ThrowawayServers

@testable import TDSSandbox

/// Misbehaving clients at the TLS steps, over a raw socket: each one loses only its own connection, and the
/// session (with its `SSL`) is released.
@Suite("TLS: robustness")
struct TLSRobustnessTests {
    /// The captured client PRELOGIN with its ENCRYPTION byte (payload offset 32) set to `encryption`.
    static func prelogin(encryption: UInt8) -> [UInt8] {
        var payload = Array(Capture.clientPrelogin.dropFirst(8))
        payload[32] = encryption
        return payload
    }

    /// The ENCRYPTION byte of a server PRELOGIN answer.
    static func encryptionByte(of reply: [UInt8]) -> UInt8? {
        var index = 0
        while index + 4 < reply.count, reply[index] != 0xFF {
            let offset = Int(reply[index + 1]) << 8 | Int(reply[index + 2])
            if reply[index] == 0x01, offset < reply.count { return reply[offset] }
            index += 5
        }
        return nil
    }

    /// Polls `condition` every 50 ms for up to 30 s: a bound on waiting, never a timing assertion.
    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    static func tlsServer(
        _ policy: TDSSandboxEncryptionPolicy, certificates: TLSTestCertificates
    ) throws
        -> ScriptedServer
    {
        try ScriptedServer(configuration: TDSSandboxConfiguration(tls: certificates.tls, encryption: policy))
    }

    @Test func garbageInsteadOfAClientHelloClosesOnlyThatConnection() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let fixture = try Self.tlsServer(.required, certificates: certificates)
        let bad = try RawTDSClient(port: fixture.port)
        try bad.send(type: 0x12, payload: Self.prelogin(encryption: 0x01))
        #expect(Self.encryptionByte(of: try bad.readMessage()) == 0x01)
        try bad.send(type: 0x12, payload: Array("this is not a TLS record".utf8))
        #expect(bad.waitForClose())
        #expect(Self.eventually { fixture.server.failedHandshakeCount == 1 && fixture.server.sessionCount == 0 })
        #expect(fixture.engines.isEmpty)
        #expect(fixture.server.loginEncryptions.isEmpty)
    }

    @Test func clientLeavingDuringTheHandshakeIsCountedAndReleased() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let fixture = try Self.tlsServer(.supported, certificates: certificates)
        do {
            let leaving = try RawTDSClient(port: fixture.port)
            try leaving.send(type: 0x12, payload: Self.prelogin(encryption: 0x00))
            #expect(Self.encryptionByte(of: try leaving.readMessage()) == 0x00)
        }
        #expect(Self.eventually { fixture.server.failedHandshakeCount == 1 && fixture.server.sessionCount == 0 })
    }

    @Test func plaintextLoginWhereAHandshakeIsExpectedIsRefused() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let fixture = try Self.tlsServer(.required, certificates: certificates)
        let client = try RawTDSClient(port: fixture.port)
        try client.send(type: 0x12, payload: Self.prelogin(encryption: 0x00))
        #expect(Self.encryptionByte(of: try client.readMessage()) == 0x03)
        let login = Login7Builder.message(user: "tester", password: "secret", packetSize: 4096)
        try client.send(type: 0x10, payload: login)
        #expect(client.waitForClose())
        #expect(fixture.engines.isEmpty)
        #expect(Self.eventually { fixture.server.sessionCount == 0 })
    }

    @Test func clientThatRequiresEncryptionIsDisconnectedWithoutTLS() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.send(type: 0x12, payload: Self.prelogin(encryption: 0x01))
        #expect(Self.encryptionByte(of: try client.readMessage()) == 0x02)
        #expect(client.waitForClose())
        // A client that does not ask for encryption still logs in as before.
        let plain = try RawTDSClient(port: fixture.port)
        try plain.login()
        #expect(fixture.engines.count == 1)
        #expect(fixture.server.loginEncryptions == [.none])
    }

    @Test func loginWithoutPreloginIsRefusedWhereEncryptionIsRequired() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let fixture = try Self.tlsServer(.required, certificates: certificates)
        let client = try RawTDSClient(port: fixture.port)
        let login = Login7Builder.message(user: "tester", password: "secret", packetSize: 4096)
        try client.send(type: 0x10, payload: login)
        #expect(client.waitForClose())
        #expect(fixture.engines.isEmpty)
        #expect(fixture.server.loginEncryptions.isEmpty)
        #expect(Self.eventually { fixture.server.sessionCount == 0 })
        // Where encryption is only supported, such a login still goes through in plaintext, as before.
        let supported = try Self.tlsServer(.supported, certificates: certificates)
        let plain = try RawTDSClient(port: supported.port)
        try plain.send(type: 0x10, payload: login)
        #expect(try !plain.readMessage().isEmpty)  // the login response
        #expect(supported.engines.count == 1)
        #expect(supported.server.loginEncryptions == [.none])
    }

    @Test func loginEncryptionLogKeepsOnlyTheLatestLogins() throws {
        let server = TDSSandboxServer()
        defer { server.stop() }
        let limit = TDSSandboxServer.loginEncryptionLimit
        for _ in 0..<limit { server.recordLogin(.none) }
        server.recordLogin(.full)
        server.recordLogin(.loginOnly)
        let log = server.loginEncryptions
        #expect(log.count == limit)
        #expect(log.suffix(2) == [.full, .loginOnly])
        #expect(log.dropLast(2).allSatisfy { $0 == .none })
    }
}
