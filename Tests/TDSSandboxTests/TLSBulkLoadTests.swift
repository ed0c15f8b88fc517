import Foundation
import TDSSandbox
import Testing
import ThrowawayServers

/// Large encrypted traffic both ways: `freebcp in` uploads many TLS records, a big SELECT streams many back.
@Suite(
    "TLS: bulk load and large results",
    .enabled(
        if: EndToEndSandbox.hasTsql && FileManager.default.isExecutableFile(atPath: "/usr/bin/freebcp"),
        "tsql or freebcp is not installed"))
struct TLSBulkLoadTests {
    @Test func freebcpUploadAndLargeResultOverFullTLS() throws {
        let certificates = try TLSTestCertificates()
        defer { certificates.remove() }
        let sandbox = try EndToEndSandbox(certificates: certificates, policy: .required)
        let client = FreeTDSClientTLS(encryption: "require", caFile: certificates.authority.certificatePath)
        let (created, _) = try sandbox.tsql(
            "CREATE TABLE Loaded (Id int, Label varchar(200))\ngo\nexit\n", client: client)
        #expect(created.errors.isEmpty, "\(created.printed)")

        let rowCount = 20_000
        let padding = String(repeating: "x", count: 120)
        let lines = (1...rowCount).map { "\($0)|row \($0) \(padding)" }
        let file = URL(fileURLWithPath: certificates.directory).appendingPathComponent("rows.txt")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let loaded = try FreeTDSTool.capture(
            "freebcp",
            [
                "\(sandbox.database).dbo.Loaded", "in", file.path, "-c", "-t", "|", "-S", "sandbox", "-U", sandbox.user,
                "-P", sandbox.password,
            ],
            freetdsConf: client.freetdsConf(port: sandbox.port))
        #expect(loaded.combined.contains("\(rowCount) rows copied"), "\(loaded.combined)")

        let (checked, _) = try sandbox.tsql(
            "SELECT COUNT(*) AS n, SUM(CAST(Id AS bigint)) AS total FROM Loaded\ngo\n"
                + "SELECT Id, Label FROM Loaded ORDER BY Id\ngo\nexit\n",
            client: client)
        #expect(checked.errors.isEmpty, "\(checked.printed)")
        #expect(checked.tables.first?.rows == [["\(rowCount)", "\(rowCount * (rowCount + 1) / 2)"]])
        let rows = checked.tables.count > 1 ? checked.tables[1].rows : []
        #expect(rows.count == rowCount)
        #expect(rows.last == ["\(rowCount)", "row \(rowCount) \(padding)"])
        #expect(sandbox.server.loginEncryptions == [.full, .full, .full])
    }
}
