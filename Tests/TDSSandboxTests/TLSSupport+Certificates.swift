import Foundation
import TDSSandbox
import ThrowawayServers

/// Certificates for one TLS test, made on the spot in a directory of its own: a trusted CA with a server
/// certificate, and an unrelated CA a client can be told to trust instead.
struct TLSTestCertificates {
    let directory: String
    let authority: TestCertificateAuthority
    let server: TestCertificateAuthority.ServerCertificate
    /// A CA that signed nothing the server presents.
    let strangerAuthority: TestCertificateAuthority

    /// Makes the CAs and a server certificate for `hostNames` and `ipAddresses`.
    init(hostNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]) throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("tds-tls-\(UUID().uuidString)").path
        authority = try TestCertificateAuthority.create(in: directory, name: "ca", commonName: "TDS Sandbox Test CA")
        server = try authority.issueServerCertificate(
            in: directory, name: "server", hostNames: hostNames, ipAddresses: ipAddresses)
        strangerAuthority = try TestCertificateAuthority.create(
            in: directory, name: "stranger", commonName: "Unrelated Test CA")
    }

    /// The sandbox's TLS settings for the server certificate.
    var tls: TDSSandboxTLSConfiguration {
        TDSSandboxTLSConfiguration(certificateChainPath: server.certificatePath, privateKeyPath: server.keyPath)
    }

    /// Removes the directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// FreeTDS client TLS settings for one `tsql` run: a freetds.conf section named `sandbox`.
struct FreeTDSClientTLS {
    /// `encryption = off | request | require`.
    var encryption: String
    /// `ca file = ...`, or none.
    var caFile: String?
    /// `check certificate hostname = yes | no`.
    var checkHostname: Bool = true
    /// The host the client connects to (and checks the certificate against).
    var host = "127.0.0.1"

    /// The freetds.conf text for `port`.
    func freetdsConf(port: Int) -> String {
        var lines = [
            "[sandbox]", "host = \(host)", "port = \(port)", "tds version = 7.4", "encryption = \(encryption)",
            "check certificate hostname = \(checkHostname ? "yes" : "no")",
        ]
        if let caFile { lines.append("ca file = \(caFile)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension EndToEndSandbox {
    /// Starts a sandbox with `certificates` and `policy`.
    convenience init(certificates: TLSTestCertificates, policy: TDSSandboxEncryptionPolicy) throws {
        try self.init(serverConfiguration: TDSSandboxConfiguration(tls: certificates.tls, encryption: policy))
    }

    /// Runs `tsql -S sandbox` with `client`'s freetds.conf and `input` on stdin, with FreeTDS's protocol dump
    /// (TDSDUMP) written to a file whose text comes back as well.
    func tsql(_ input: String, client: FreeTDSClientTLS) throws -> (output: TsqlOutput, dump: String) {
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("tdsdump-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: dump) }
        let result = try FreeTDSTool.capture(
            "tsql", ["-S", "sandbox", "-U", user, "-P", password, "-D", database], input: input,
            freetdsConf: client.freetdsConf(port: port), environment: ["TDSDUMP": dump.path])
        let dumpText = (try? String(contentsOf: dump, encoding: .utf8)) ?? ""
        return (TsqlOutput(standardOutput: result.standardOutput, standardError: result.standardError), dumpText)
    }
}
