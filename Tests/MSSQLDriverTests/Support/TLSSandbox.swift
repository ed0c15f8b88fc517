import DBCore
import Foundation
import TDSSandbox
import ThrowawayServers

/// A TDS sandbox with TLS over the throwaway PostgreSQL, for the driver's TLS tests: a CA made on the spot, a
/// server certificate it signed (for `hostNames`/`ipAddresses`), and an unrelated CA a client can trust instead.
final class TLSSandbox: @unchecked Sendable {
    let server: TDSSandboxServer
    let port: Int
    /// The PostgreSQL database behind the sandbox (the shared throwaway cluster's).
    let postgres: ConnectionConfiguration
    /// Where the certificates live; removed on deinit.
    let directory: String
    /// The CA that signed the server's certificate.
    let authority: TestCertificateAuthority
    /// A CA that signed nothing the server presents.
    let stranger: TestCertificateAuthority

    init(
        policy: TDSSandboxEncryptionPolicy, hostNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mssql-tls-\(UUID().uuidString)").path
        authority = try TestCertificateAuthority.create(in: directory, name: "ca", commonName: "Driver TLS Test CA")
        stranger = try TestCertificateAuthority.create(in: directory, name: "stranger", commonName: "Unrelated Test CA")
        let certificate = try authority.issueServerCertificate(
            in: directory, name: "server", hostNames: hostNames, ipAddresses: ipAddresses)
        server = TDSSandboxServer(
            configuration: TDSSandboxConfiguration(
                tls: TDSSandboxTLSConfiguration(
                    certificateChainPath: certificate.certificatePath, privateKeyPath: certificate.keyPath),
                encryption: policy))
        postgres = try ThrowawayPostgres.shared().configuration()
        port = try server.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres))
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether `condition` holds within 30 seconds (polled every 10 ms): for what the server notices after the
    /// client has returned.
    func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }

    /// A driver configuration for this sandbox with `mode`, trusting `rootCertificate` (a CA file path or nil for
    /// the system's CAs), dialling `host`.
    func configuration(_ mode: TLSMode, rootCertificate: String?, host: String = "127.0.0.1") -> ConnectionConfiguration
    {
        ConnectionConfiguration(
            host: host, port: port, database: postgres.database, user: postgres.user, password: postgres.password,
            tls: mode, tlsRootCertificatePath: rootCertificate, connectTimeout: 10, queryTimeout: 60)
    }
}
