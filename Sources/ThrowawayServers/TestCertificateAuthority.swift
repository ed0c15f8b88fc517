import Foundation

/// A certificate authority made on the spot with the `openssl` command-line tool, for TLS tests: it signs server
/// certificates that clients verify with ``certificatePath`` (libpq's `sslrootcert`, `sslmode=verify-full`).
///
/// Every call makes new keys (EC P-256), valid for two days. Nothing here is secret beyond a test run.
public struct TestCertificateAuthority: Sendable, Hashable {
    /// The CA certificate (PEM): hand it to clients as their trusted root.
    public let certificatePath: String
    /// The CA private key (PEM).
    public let keyPath: String

    /// A server certificate and its key, signed by a ``TestCertificateAuthority``.
    public struct ServerCertificate: Sendable, Hashable {
        /// The certificate (PEM).
        public let certificatePath: String
        /// The private key (PEM), mode 0600.
        public let keyPath: String
    }

    /// Makes a new CA in `directory` (created if missing) as `<name>.crt` and `<name>.key`.
    public static func create(
        in directory: String, name: String = "ca", commonName: String = "Throwaway Test CA"
    ) throws -> TestCertificateAuthority {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = "\(directory)/\(name).crt"
        let key = "\(directory)/\(name).key"
        try CommandRunner.run(
            try openssl(),
            [
                "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(commonName)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        return TestCertificateAuthority(certificatePath: certificate, keyPath: key)
    }

    /// Issues a server certificate for `localhost` and `127.0.0.1` (CN and subject alternative names), written
    /// to `directory` as `<name>.crt` and `<name>.key` (mode 0600).
    public func issueServerCertificate(
        in directory: String, name: String = "server", hostNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1"]
    ) throws -> ServerCertificate {
        let certificate = "\(directory)/\(name).crt"
        let key = "\(directory)/\(name).key"
        let request = "\(directory)/\(name).csr"
        let extensions = "\(directory)/\(name).ext"
        let names = hostNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }
        let extensionText = """
            subjectAltName=\(names.joined(separator: ","))
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth

            """
        try extensionText.write(toFile: extensions, atomically: true, encoding: .utf8)
        let tool = try TestCertificateAuthority.openssl()
        try CommandRunner.run(
            tool,
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", request, "-subj", "/CN=\(hostNames.first ?? ipAddresses.first ?? "localhost")",
            ])
        try CommandRunner.run(
            tool,
            [
                "x509", "-req", "-in", request, "-CA", certificatePath, "-CAkey", keyPath,
                "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-days", "2", "-out", certificate,
                "-extfile", extensions,
            ])
        try? FileManager.default.removeItem(atPath: request)
        try? FileManager.default.removeItem(atPath: extensions)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        return ServerCertificate(certificatePath: certificate, keyPath: key)
    }

    static func openssl() throws -> String {
        guard let path = CommandRunner.which("openssl") else {
            throw ThrowawayServerError(command: "openssl", status: nil, output: "the openssl tool is not on PATH")
        }
        return path
    }
}
