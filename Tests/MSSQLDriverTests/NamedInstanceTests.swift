import DBCore
import Foundation
import TDSSandbox
import Testing

@testable import MSSQLDriver

/// `host\instance` logins: the driver asks the SQL Server Browser (here a ``SQLBrowserResponder``) on UDP 1434 of
/// the host, or on `options["browser_port"]`, for the instance's TCP port. Each test has its own loopback address,
/// Browser (on a free port, so that a Browser already on the machine's port 1434 does not matter) and sandbox.
@Suite(
    "named instances through the SQL Server Browser",
    // These tests need a sandbox configured for them (TLS certificates, a SQL Server Browser responder, or a server
    // without TLS), which a server named by MSSQL_TEST_URL is not.
    .enabled(if: MSSQLTestServer.usesInProcessSandbox, Comment(rawValue: MSSQLTestServer.needsInProcessSandbox))
)
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
            #expect(error.message.contains("SQL Server Browser (UDP port \(sandbox.browserPort) on \(sandbox.host))"))
            #expect(error.message.contains("gave no TCP port for instance 'UNKNOWN' within 2 s"))
            #expect(!error.debugDescription.contains(password))
        }
    }

    @Test("a host with no Browser at all fails at once on the port-unreachable answer, within any timeout")
    func noBrowser() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "SANDBOX")
            sandbox.browser.stop()
            var configuration = sandbox.configuration()
            // Never waited for: the loopback answers "port unreachable" at once.
            configuration.connectTimeout = 600
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("gave no TCP port for instance 'SANDBOX'"))
            #expect(error.message.contains("nothing listens on that port (connection refused)"))
        }
    }

    @Test("a huge connect timeout (1e10 s) is clamped, not a crash: the Browser lookup and the TCP login")
    func hugeTimeout() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "SANDBOX")
            sandbox.browser.stop()
            sandbox.server.stop()
            var named = sandbox.configuration()
            named.connectTimeout = 1e10
            named.connectRetry = .none  // refused (20009) is transient; one attempt keeps the test quick
            let lookup = try #require(databaseError { _ = try MSSQLConnection.connect(named) })
            #expect(lookup.kind == .connectionFailed)
            #expect(lookup.message.contains("connection refused"))
            // The TCP port the sandbox had is closed now: FreeTDS's connect is refused at once.
            var direct = named
            direct.instanceName = nil
            direct.port = sandbox.tcpPort
            let login = try #require(databaseError { _ = try MSSQLConnection.connect(direct) })
            #expect(login.kind == .connectionFailed)
            #expect(login.message.contains("\(sandbox.host):\(sandbox.tcpPort)"))
            #expect(DBLibHandle.loginTimeout(direct) == 86_400)
            direct.connectTimeout = .nan
            #expect(DBLibHandle.loginTimeout(direct) == 15)
            direct.connectTimeout = -3
            #expect(DBLibHandle.loginTimeout(direct) == 0)
            // The login gets what the lookup left of the one deadline, in whole seconds, at least one.
            #expect(DBLibHandle.loginSeconds(remaining: .milliseconds(8_200)) == 9)
            #expect(DBLibHandle.loginSeconds(remaining: .seconds(10)) == 10)
            #expect(DBLibHandle.loginSeconds(remaining: .milliseconds(300)) == 1)
            #expect(DBLibHandle.loginSeconds(remaining: .seconds(-2)) == 1)
            #expect(DBLibHandle.loginSeconds(remaining: .seconds(86_400)) == 86_400)
        }
    }

    @Test("browser_port must be a port number")
    func badBrowserPort() throws {
        for bad in ["0", "65536", "x", ""] {
            let configuration = ConnectionConfiguration(
                backend: .sqlServer, host: "127.0.0.1", instanceName: "SANDBOX", options: ["browser_port": bad])
            let error = try #require(databaseError { _ = try FreeTDSLoginConfig(configuration) })
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("browser_port"))
        }
        let configuration = ConnectionConfiguration(backend: .sqlServer, host: "h", instanceName: "I")
        #expect(try FreeTDSLoginConfig(configuration).browserPort == 1434)
    }

    @Test(
        "the default Browser port 1434 (skipped where this process cannot bind it)",
        .enabled(if: NamedInstanceSandbox.canBindBrowserPort))
    func defaultBrowserPort() async throws {
        try await offPool {
            let sandbox = try NamedInstanceSandbox(instanceName: "DEFAULTPORT", browserPort: 1434)
            let configuration = sandbox.configuration()
            #expect(configuration.options["browser_port"] == nil)
            let connection = try MSSQLConnection.connect(configuration)
            defer { connection.close() }
            #expect(try connection.scalar("SELECT 1") == .int(1))
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

    @Test("a responder starts once: a second start, or a start after stop, is refused and leaks nothing")
    func responderStartsOnce() throws {
        let host = "127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        let responder = SQLBrowserResponder(instances: [.init(name: "ONCE", tcpPort: 50001)])
        let port = try responder.start(host: host, port: 0)
        #expect(port > 0)
        #expect(throws: (any Error).self) { try responder.start(host: host, port: 0) }
        // The first socket still answers.
        #expect(try SQLBrowserLookup.port(host: host, instance: "ONCE", browserPort: port, timeout: 30) == 50001)
        responder.stop()
        #expect(throws: (any Error).self) { try responder.start(host: host, port: 0) }
    }
}
