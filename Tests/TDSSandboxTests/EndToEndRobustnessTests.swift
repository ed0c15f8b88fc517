import DBCore
import Foundation
import TDSSandbox
import Testing

/// Malformed input against the real engine, after a successful login: the offending session is closed (and its
/// PostgreSQL backend freed) while another session keeps working.
@Suite("End to end: malformed packets")
struct EndToEndRobustnessTests {
    static let garbage: [(name: String, bytes: [UInt8])] = [
        ("truncated header, then hang-up", [0x01, 0x01, 0x00]),
        ("length below the header size", [0x01, 0x01, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00]),
        (
            "length beyond the negotiated packet size",
            [0x01, 0x01, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00] + [UInt8](repeating: 0x41, count: 64)
        ),
        ("unknown packet type", [0x55, 0x01, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x00, 0x41, 0x00]),
        ("a second LOGIN7 after login", [0x10, 0x01, 0x00, 0x0C, 0x00, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0x7F]),
        ("PRELOGIN after login", [0x12, 0x01, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x00, 0xFF, 0x00]),
    ]

    @Test(arguments: 0..<garbage.count)
    func malformedPacketClosesOnlyThatSession(index: Int) throws {
        let (name, bytes) = Self.garbage[index]
        let sandbox = try EndToEndSandbox()
        let application = "malformed-\(UUID().uuidString.prefix(8))"
        let healthy = try sandbox.client(application: application + "-healthy")
        let bad = try sandbox.client(application: application)
        #expect(try bad.batch("SELECT 1").scalar == .int(1))
        #expect(try sandbox.backends(application: application).count == 1)
        try bad.sendRaw(bytes)
        if index == 0 {
            // The client hangs up in the middle of a header.
            _ = consume bad
        } else {
            #expect(bad.waitForClose(), "\(name)")
        }
        #expect(try sandbox.eventually { try sandbox.backends(application: application).isEmpty }, "\(name)")
        #expect(try healthy.batch("SELECT 2").scalar == .int(2), "\(name)")
        #expect(try sandbox.backends(application: application + "-healthy").count == 1)
    }

    @Test func malformedRequestBodyIsAnErrorAndTheSessionGoesOn() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        // A SQL batch whose ALL_HEADERS claims more bytes than the message has.
        try client.send(type: 0x01, payload: [0xFF, 0x00, 0x00, 0x00, 0x41, 0x00])
        let response = try client.readResponse()
        #expect(response.errors.map(\.number) == [8009])
        #expect(response.final?.hasError == true)
        #expect(try client.batch("SELECT 3").scalar == .int(3))
    }
}
