import DBCore
import Foundation
import TDSSandbox
import ThrowawayServers

/// A TDS sandbox reachable as `host\instance`: a ``SQLBrowserResponder`` on UDP 1434 and a ``TDSSandboxServer`` on
/// a free TCP port, both on a random loopback address of 127.0.0.0/8 (Linux routes all of it to `lo`), so that
/// parallel tests each have their own port 1434.
final class NamedInstanceSandbox: @unchecked Sendable {
    let server: TDSSandboxServer
    let browser: SQLBrowserResponder
    /// The loopback address both listen on.
    let host: String
    /// The sandbox's TCP port (found through the Browser by clients).
    let tcpPort: Int
    /// The instance name the Browser announces.
    let instanceName: String
    private let postgres: ConnectionConfiguration

    init(instanceName: String) throws {
        let postgres = try ThrowawayPostgres.shared().configuration()
        self.postgres = postgres
        self.instanceName = instanceName
        (server, browser, host, tcpPort) = try Self.start(instanceName: instanceName, postgres: postgres)
    }

    private static func start(
        instanceName: String, postgres: ConnectionConfiguration
    ) throws -> (TDSSandboxServer, SQLBrowserResponder, String, Int) {
        var lastError: (any Error)?
        for _ in 0..<20 {
            // Not 127.0.0.x, which other tests and services use.
            let host = "127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
            let server = TDSSandboxServer()
            do {
                let port = try server.start(
                    host: host, port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres))
                let browser = SQLBrowserResponder(instances: [.init(name: instanceName, tcpPort: port)])
                try browser.start(host: host)
                return (server, browser, host, port)
            } catch {
                server.stop()
                lastError = error
            }
        }
        throw lastError ?? DatabaseError(kind: .other, message: "no free loopback address for a SQL Browser")
    }

    deinit {
        browser.stop()
        server.stop()
    }

    /// A configuration for `host\instance` (no port).
    func configuration(instance: String? = nil) -> ConnectionConfiguration {
        ConnectionConfiguration(
            backend: .sqlServer, host: host, instanceName: instance ?? instanceName, database: postgres.database,
            user: postgres.user, password: postgres.password, connectTimeout: 10)
    }
}
