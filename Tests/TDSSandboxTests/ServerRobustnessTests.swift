import Foundation
import NIOCore
import Testing

@testable import TDSSandbox

@Suite("Server: malformed input closes only the offending session")
struct ServerRobustnessTests {
    /// Raw byte streams that violate [MS-TDS], sent after PRELOGIN (or before anything).
    static let garbage: [(String, [UInt8])] = [
        ("length below the header", [0x01, 0x01, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00]),
        ("unknown packet type", [0x55, 0x01, 0x00, 0x09, 0x00, 0x00, 0x01, 0x00, 0x00]),
        ("packet larger than any packet size", [0x01, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00]),
        ("batch before login", [0x01, 0x01, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x00, 0x41, 0x00]),
        ("garbage LOGIN7", [0x10, 0x01, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4]),
        ("HTTP request", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
    ]

    @Test(arguments: 0..<garbage.count)
    func malformedStreamClosesThatSession(index: Int) throws {
        let fixture = try ScriptedServer()
        let healthy = try RawTDSClient(port: fixture.port)
        try healthy.login()
        let bad = try RawTDSClient(port: fixture.port)
        try bad.sendRaw(Self.garbage[index].1)
        #expect(bad.waitForClose(), "\(Self.garbage[index].0)")
        #expect(try healthy.batch("SELECT TYPES").first == 0x81)
    }

    @Test func login7WithOffsetsOutOfRangeClosesTheSession() throws {
        let fixture = try ScriptedServer()
        let bad = try RawTDSClient(port: fixture.port)
        var login = Login7Builder.message(user: "tester", password: "secret")
        login[44] = 0xFF  // ibPassword far beyond the message
        login[45] = 0x7F
        try bad.send(type: 0x12, payload: Array(Capture.clientPrelogin.dropFirst(8)))
        _ = try bad.readMessage()
        try bad.send(type: 0x10, payload: login)
        #expect(bad.waitForClose())
        #expect(fixture.engines.isEmpty)
    }

    @Test func oversizedMessageClosesTheSession() throws {
        let fixture = try ScriptedServer(configuration: TDSSandboxConfiguration(maximumMessageSize: 64 * 1024))
        let healthy = try RawTDSClient(port: fixture.port)
        try healthy.login()
        let bad = try RawTDSClient(port: fixture.port)
        try bad.login()
        // 40 packets of 4 KiB without EOM: 160 KiB > 64 KiB.
        let packet = [0x01, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00] + [UInt8](repeating: 0x41, count: 4088)
        for _ in 0..<40 {
            do { try bad.sendRaw(packet) } catch { break }
        }
        #expect(bad.waitForClose())
        #expect(try healthy.batch("SELECT TYPES").first == 0x81)
    }

    @Test func truncatedHeaderThenHangUpLeavesOthersWorking() throws {
        let fixture = try ScriptedServer()
        let healthy = try RawTDSClient(port: fixture.port)
        try healthy.login()
        do {
            let bad = try RawTDSClient(port: fixture.port)
            try bad.login()
            try bad.sendRaw([0x01, 0x01, 0x00])
        }
        #expect(try healthy.batch("SELECT TYPES").first == 0x81)
    }

    @Test func malformedRPCStreamIsAnErrorAndTheSessionGoesOn() throws {
        let fixture = try ScriptedServer()
        let client = try RawTDSClient(port: fixture.port)
        try client.login()
        // sp_executesql with a parameter of unknown type 0x01.
        let payload = RequestBuilder.allHeaders() + [0xFF, 0xFF, 10, 0, 0, 0, 0, 0, 0x01, 0x02]
        try client.send(type: 0x03, payload: payload)
        let response = try client.readMessage()
        #expect(response.first == 0xAA)
        #expect(response.contains(subsequence: [0x49, 0x1F, 0x00, 0x00]))  // 8009
        #expect(Array(response.suffix(13).prefix(3)) == [0xFD, 0x02, 0x00])
        #expect(try client.batch("SELECT TYPES").first == 0x81)
    }
}
