import DBCore
import Foundation
import TDSSandbox
import ThrowawayServers

/// A TDS sandbox reachable as `host\instance`: a ``SQLBrowserResponder`` on a free UDP port (or on 1434) and a
/// ``TDSSandboxServer`` on a free TCP port, both on a random loopback address of 127.0.0.0/8 (Linux routes all of it
/// to `lo`), so that parallel tests never meet. Configurations name the Browser's port in
/// `options["browser_port"]` unless it is 1434.
final class NamedInstanceSandbox: @unchecked Sendable {
    let server: TDSSandboxServer
    let browser: SQLBrowserResponder
    /// The loopback address both listen on.
    let host: String
    /// The sandbox's TCP port (found through the Browser by clients).
    let tcpPort: Int
    /// The Browser's UDP port.
    let browserPort: Int
    /// The instance name the Browser announces.
    let instanceName: String
    private let postgres: ConnectionConfiguration

    /// Starts the pair; `browserPort` 0 picks a free UDP port.
    init(instanceName: String, browserPort: Int = 0) throws {
        let postgres = try ThrowawayPostgres.shared().configuration()
        self.postgres = postgres
        self.instanceName = instanceName
        (server, browser, host, tcpPort, self.browserPort) = try Self.start(
            instanceName: instanceName, browserPort: browserPort, postgres: postgres)
    }

    private static func start(
        instanceName: String, browserPort: Int, postgres: ConnectionConfiguration
    ) throws -> (TDSSandboxServer, SQLBrowserResponder, String, Int, Int) {
        var lastError: (any Error)?
        for _ in 0..<20 {
            // Not 127.0.0.x, which other tests and services use.
            let host = "127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
            let server = TDSSandboxServer()
            do {
                let port = try server.start(
                    host: host, port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres))
                let browser = SQLBrowserResponder(instances: [.init(name: instanceName, tcpPort: port)])
                let udpPort = try browser.start(host: host, port: browserPort)
                return (server, browser, host, port, udpPort)
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

    /// A configuration for `host\instance` (no port), with `options["browser_port"]` unless the Browser is on 1434.
    func configuration(instance: String? = nil) -> ConnectionConfiguration {
        var configuration = ConnectionConfiguration(
            backend: .sqlServer, host: host, instanceName: instance ?? instanceName, database: postgres.database,
            user: postgres.user, password: postgres.password, connectTimeout: 10)
        if browserPort != 1434 { configuration.options["browser_port"] = String(browserPort) }
        return configuration
    }

    /// Whether this process may bind UDP port 1434 (not where a Browser holds it on every address, or where the
    /// system makes it a privileged port): tried on a loopback address of its own.
    static let canBindBrowserPort: Bool = {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(1434).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255)).1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }()
}
