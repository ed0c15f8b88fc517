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
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
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
            let configuration = ConnectionConfiguration(
                host: "127.0.0.1", port: port, user: "sa", password: "not-used-secret", connectTimeout: 5)
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

    @Test("an unreachable host fails within the login timeout")
    func unreachableHost() async throws {
        try await offPool {
            // 192.0.2.0/24 is TEST-NET-1: never routed.
            let configuration = ConnectionConfiguration(host: "192.0.2.1", port: 1433, user: "sa", connectTimeout: 2)
            #expect { try MSSQLConnection.connect(configuration) } throws: { error in
                let kind = (error as? DatabaseError)?.kind
                return kind == .connectionFailed || kind == .timeout
            }
        }
    }

    @Test("a configuration for another backend is refused")
    func wrongBackend() {
        #expect { try MSSQLDriver().connect(ConnectionConfiguration(backend: .postgresql)) } throws: {
            ($0 as? DatabaseError)?.kind == .invalidConfiguration
        }
    }
}
