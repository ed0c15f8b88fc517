import DBCore
import Foundation
import TDSSandbox
import Testing

@testable import MSSQLDriver

/// `host\instance` logins: the driver asks the SQL Server Browser (here a ``SQLBrowserResponder``) on UDP 1434 of
/// the host for the instance's TCP port. Each test has its own loopback address, Browser and sandbox.
@Suite("named instances through the SQL Server Browser")
struct NamedInstanceTests {
    @Test("host\\instance finds the sandbox's port through the Browser and runs a query")
    func connectsThroughBrowser() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "SANDBOX")
            // No port in the configuration: the only way to the sandbox's random port is the Browser's answer.
            let configuration = sandbox.configuration()
            #expect(configuration.port == nil)
            let connection = try MSSQLConnection.connect(configuration)
            defer { connection.close() }
            #expect(try connection.scalar("SELECT 6 * 7") == .int(42))
        }
    }

    @Test("instance names match case-insensitively")
    func caseInsensitive() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "MixedCase")
            let connection = try MSSQLConnection.connect(sandbox.configuration(instance: "MIXEDCASE"))
            defer { connection.close() }
            #expect(try connection.scalar("SELECT 1") == .int(1))
        }
    }

    @Test("an unknown instance fails as connectionFailed within the connect timeout, naming it and the Browser")
    func unknownInstance() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "KNOWN")
            var configuration = sandbox.configuration(instance: "UNKNOWN")
            configuration.connectTimeout = 2  // the Browser stays silent for an instance it does not know
            let password = try #require(configuration.password?.revealed)
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("\(sandbox.host)\\UNKNOWN"))
            #expect(error.message.contains("SQL Server Browser (UDP port 1434 on \(sandbox.host))"))
            #expect(error.message.contains("gave no TCP port for instance 'UNKNOWN' within 2 s"))
            #expect(!error.debugDescription.contains(password))
        }
    }

    @Test("a host with no Browser at all fails the same way")
    func noBrowser() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "SANDBOX")
            sandbox.browser.stop()
            var configuration = sandbox.configuration()
            configuration.connectTimeout = 1
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("gave no TCP port for instance 'SANDBOX'"))
        }
    }

    @Test("the Browser lookup reads the port of the named instance from SVR_RESP, whatever the record order")
    func lookupParsing() throws {
        #expect(SQLBrowserLookup.request(instance: "SQLEXPRESS") == [0x04] + Array("SQLEXPRESS".utf8) + [0])
        func datagram(_ text: String) -> [UInt8] {
            [0x05, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)] + Array(text.utf8)
        }
        let two = datagram(
            "ServerName;H;InstanceName;ONE;IsClustered;No;Version;16.0.1000.6;tcp;50001;;"
                + "ServerName;H;InstanceName;TWO;IsClustered;No;Version;16.0.1000.6;np;\\\\H\\pipe\\sql;tcp;50002;;")
        #expect(SQLBrowserLookup.tcpPort(inResponse: two, instance: "one") == 50001)
        #expect(SQLBrowserLookup.tcpPort(inResponse: two, instance: "TWO") == 50002)
        #expect(SQLBrowserLookup.tcpPort(inResponse: two, instance: "THREE") == nil)
        // No tcp entry, a bad port, the wrong message type, a truncated datagram.
        let noTCP = datagram("ServerName;H;InstanceName;ONE;IsClustered;No;Version;1;np;\\\\H\\pipe;;")
        #expect(SQLBrowserLookup.tcpPort(inResponse: noTCP, instance: "ONE") == nil)
        let badPort = datagram("ServerName;H;InstanceName;ONE;tcp;70000;;")
        #expect(SQLBrowserLookup.tcpPort(inResponse: badPort, instance: "ONE") == nil)
        #expect(SQLBrowserLookup.tcpPort(inResponse: [0x04] + Array(two.dropFirst()), instance: "ONE") == nil)
        #expect(SQLBrowserLookup.tcpPort(inResponse: [0x05, 0x10], instance: "ONE") == nil)
        // What the sandbox's responder says is what the lookup reads.
        let responder = SQLBrowserResponder(instances: [.init(name: "Sandbox", tcpPort: 41_433)])
        let answer = try #require(responder.answer(to: SQLBrowserLookup.request(instance: "SANDBOX")))
        #expect(SQLBrowserLookup.tcpPort(inResponse: answer, instance: "SANDBOX") == 41_433)
    }

    @Test("a login the server refuses keeps the server's message and names the port the Browser gave")
    func serverRefusal() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "SANDBOX")
            var configuration = sandbox.configuration()
            configuration.password = Secret("wrong-password-through-browser")
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .authenticationFailed)
            #expect(error.message.contains("Login failed"))
            #expect(error.message.contains("\\SANDBOX (port \(sandbox.tcpPort) from the SQL Server Browser)"))
            #expect(!error.debugDescription.contains("wrong-password-through-browser"))
        }
    }

    @Test("the responder answers CLNT_UCAST_INST and CLNT_UCAST_EX as [MC-SQLR] says, and ignores the rest")
    func responderAnswers() throws {
        let responder = SQLBrowserResponder(
            serverName: "HOST1", version: "16.0.1000.6",
            instances: [.init(name: "ONE", tcpPort: 50001), .init(name: "TWO", tcpPort: 50002)])
        let one = try #require(responder.answer(to: [0x04] + Array("one".utf8) + [0]))
        let text = "ServerName;HOST1;InstanceName;ONE;IsClustered;No;Version;16.0.1000.6;tcp;50001;;"
        #expect(one == [0x05, UInt8(text.utf8.count), 0] + Array(text.utf8))
        let all = try #require(responder.answer(to: [0x03]))
        let allText = String(decoding: all.dropFirst(3), as: UTF8.self)
        #expect(allText.contains("InstanceName;ONE;") && allText.contains("InstanceName;TWO;"))
        #expect(Int(all[1]) | Int(all[2]) << 8 == all.count - 3)
        #expect(responder.answer(to: [0x04] + Array("THREE".utf8)) == nil)
        #expect(responder.answer(to: [0x0F, 0x01] + Array("ONE".utf8)) == nil)
        #expect(responder.answer(to: []) == nil)
    }
}
