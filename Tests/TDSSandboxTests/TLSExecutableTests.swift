import DBCore
import Foundation
import Testing
import ThrowawayServers

/// The `tds-sandbox` executable's TLS options: `--tls-cert`, `--tls-key` and `--encryption`.
@Suite(
    "TLS: the tds-sandbox executable",
    .enabled(if: SandboxProcess.isBuilt && EndToEndSandbox.hasTsql, "tds-sandbox or tsql is missing"))
struct TLSExecutableTests {
    @Test func requiredEncryptionServesAnEncryptedSession() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let sandbox = try SandboxProcess(extraArguments: [
            "--tls-cert", certificates.server.certificatePath, "--tls-key", certificates.server.keyPath,
            "--encryption", "required",
        ])
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("tdsdump-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: dump) }
        // A client that will not encrypt is turned away...
        let plain = FreeTDSClientTLS(encryption: "off", caFile: certificates.authority.certificatePath)
        let refused = try FreeTDSTool.capture(
            "tsql", arguments(sandbox), input: "SELECT 1\ngo\nexit\n",
            freetdsConf: plain.freetdsConf(port: sandbox.port))
        #expect(refused.combined.contains(TLSFreeTDSTests.connectionFailure), "\(refused.combined)")
        // ...and one that requires encryption and trusts the CA gets in, over TLS.
        let client = FreeTDSClientTLS(encryption: "require", caFile: certificates.authority.certificatePath)
        let output = try FreeTDSTool.capture(
            "tsql", arguments(sandbox), input: "SELECT DB_NAME() AS db\ngo\nexit\n",
            freetdsConf: client.freetdsConf(port: sandbox.port), environment: ["TDSDUMP": dump.path])
        let parsed = TsqlOutput(standardOutput: output.standardOutput, standardError: output.standardError)
        #expect(parsed.tables.first?.rows == [[sandbox.database]], "\(parsed.printed)")
        let dumpText = (try? String(contentsOf: dump, encoding: .utf8)) ?? ""
        #expect(dumpText.contains("handshake succeeded"))
        let (cleanExit, printed) = sandbox.stop()
        #expect(cleanExit, "\(printed)")
    }

    @Test func encryptionWithoutACertificateIsACommandLineError() throws {
        let process = Process()
        process.executableURL = SandboxProcess.executable
        process.arguments = ["--listen", "127.0.0.1:0", "--postgres", "host=/nonexistent", "--encryption", "required"]
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("tds-args-\(UUID().uuidString)")
        try Data().write(to: errorFile)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let handle = try FileHandle(forWritingTo: errorFile)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let printed = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 64)  // EX_USAGE: swift-argument-parser's status for a command-line mistake
        #expect(printed.contains("--encryption required needs --tls-cert and --tls-key"), "\(printed)")
    }

    private func arguments(_ sandbox: SandboxProcess) -> [String] {
        [
            "-S", "sandbox", "-U", sandbox.configuration.user ?? "postgres",
            "-P", sandbox.configuration.password?.revealed ?? "", "-D", sandbox.database,
        ]
    }
}
