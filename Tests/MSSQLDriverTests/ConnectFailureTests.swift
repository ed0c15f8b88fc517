import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

@Suite("connecting to no server fails with a typed error and does not exit the process")
struct ConnectFailureTests {
    /// A TCP port on 127.0.0.1 that nothing listens on: bound, then closed.
    private func closedPort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("a closed port on 127.0.0.1 is connectionFailed")
    func closedPortFails() async throws {
        try await offPool {
            let port = try closedPort()
            var configuration = ConnectionConfiguration(
                host: "127.0.0.1", port: port, user: "sa", password: "not-used-secret", connectTimeout: 5)
            configuration.connectRetry = .none  // refused (20009) is transient; one attempt keeps the test quick
            do {
                _ = try MSSQLConnection.connect(configuration)
                Issue.record("connected to a closed port")
            } catch let error as DatabaseError {
                #expect(error.kind == .connectionFailed)
                #expect(!error.debugDescription.contains("not-used-secret"))
            }
            // Still alive: a second failure is reported the same way.
            #expect { try MSSQLConnection.connect(configuration) } throws: {
                ($0 as? DatabaseError)?.kind == .connectionFailed
            }
        }
    }

    @Test("a server that accepts the connection but never answers fails with the login timeout")
    func silentServer() async throws {
        try await offPool {
            // A listening socket on 127.0.0.1 that never accepts: the kernel completes the TCP handshake, FreeTDS
            // sends its PRELOGIN, and no answer ever comes. (Tests never send traffic off this machine.)
            let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(socketFD >= 0)
            defer { close(socketFD) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socketFD, $0, length) == 0 && listen(socketFD, 4) == 0
                        && getsockname(socketFD, $0, &length) == 0
                }
            }
            try #require(bound)
            let port = Int(UInt16(bigEndian: address.sin_port))
            var configuration = ConnectionConfiguration(host: "127.0.0.1", port: port, user: "sa", connectTimeout: 2)
            configuration.connectRetry = .none  // a timeout is transient; one attempt keeps the test quick
            #expect { try MSSQLConnection.connect(configuration) } throws: { error in
                let kind = (error as? DatabaseError)?.kind
                return kind == .connectionFailed || kind == .timeout
            }
        }
    }

    @Test("Microsoft Entra ID sign-in in an ADO.NET string is refused with the reason, before any connection")
    func entraRefused() throws {
        let configuration = try ConnectionConfiguration(
            connectionString:
                "Server=tcp:127.0.0.1,1;Initial Catalog=db;Authentication=Active Directory Default;Encrypt=True;")
        #expect { try MSSQLConnection.connect(configuration) } throws: { error in
            guard let error = error as? DatabaseError else { return false }
            return error.kind == .unsupported && error.message.contains("FreeTDS")
        }
    }

    @Test("a configuration for another backend is refused")
    func wrongBackend() {
        #expect { try MSSQLDriver().connect(ConnectionConfiguration(backend: .postgresql)) } throws: {
            ($0 as? DatabaseError)?.kind == .invalidConfiguration
        }
    }
}
