import DBCore
import Foundation
import Testing

@testable import TDSSandbox

/// The pre-login timeout: sockets that connect and never finish sending their LOGIN7 are closed; a login the
/// server itself is slow to answer, and a logged-in session that stays idle, are not.
@Suite("Server: pre-login timeout")
struct ServerPreloginTimeoutTests {
    private static func configuration(timeout: Double?) -> TDSSandboxConfiguration {
        var configuration = TDSSandboxConfiguration()
        configuration.preloginTimeout = timeout
        return configuration
    }

    @Test("the default closes idle pre-login sockets after a few seconds")
    func defaultIsAFewSeconds() {
        #expect(TDSSandboxConfiguration().preloginTimeout == 5)
    }

    @Test("a socket that connects and sends nothing is closed")
    func silentSocketIsClosed() throws {
        let fixture = try ScriptedServer(configuration: Self.configuration(timeout: 0.3))
        let client = try RawTDSClient(port: fixture.port)
        #expect(client.waitForClose())
    }

    @Test("a socket that stops after PRELOGIN, or in the middle of a LOGIN7 packet, is closed")
    func socketSilentAfterPreloginIsClosed() throws {
        let fixture = try ScriptedServer(configuration: Self.configuration(timeout: 0.3))
        let afterPrelogin = try RawTDSClient(port: fixture.port)
        try afterPrelogin.send(type: 0x12, payload: Array(Capture.clientPrelogin.dropFirst(8)))
        #expect(try afterPrelogin.readMessage().isEmpty == false)
        #expect(afterPrelogin.waitForClose())

        let halfLogin = try RawTDSClient(port: fixture.port)
        let login = Login7Builder.message(user: "tester", password: "secret", packetSize: 4096)
        var packet: [UInt8] = [0x10, 0x01]
        let length = 8 + login.count
        packet += [UInt8(length >> 8), UInt8(length & 0xFF), 0, 0, 1, 0]
        try halfLogin.sendRaw(Array((packet + login).prefix(20)))
        #expect(halfLogin.waitForClose())
    }

    @Test("a logged-in session idle past the timeout stays open and usable")
    func loggedInSessionStaysOpen() throws {
        let fixture = try ScriptedServer(configuration: Self.configuration(timeout: 0.2))
        let client = try RawTDSClient(port: fixture.port)
        try client.login()
        Thread.sleep(forTimeInterval: 1)  // five times the timeout
        #expect(try client.batch("SELECT TYPES").first == 0x81)
        #expect(fixture.server.sessionCount == 1)
    }

    @Test("a login the server is slow to answer is not cut by the timeout")
    func slowLoginIsNotCut() throws {
        let server = TDSSandboxServer(configuration: Self.configuration(timeout: 0.2))
        defer { server.stop() }
        let port = try server.start(host: "127.0.0.1", port: 0) { _ in
            Thread.sleep(forTimeInterval: 1)  // the engine factory outlasts the timeout
            return ScriptedEngine()
        }
        let client = try RawTDSClient(port: port)
        let login = try client.login()
        #expect(login.contains(subsequence: [0xAD]))
        #expect(try client.batch("SELECT TYPES").first == 0x81)
    }

    @Test("with no timeout, a silent socket stays open")
    func noTimeout() throws {
        let fixture = try ScriptedServer(configuration: Self.configuration(timeout: nil))
        let client = try RawTDSClient(port: fixture.port)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try client.login().contains(subsequence: [0xAD]))
    }
}
