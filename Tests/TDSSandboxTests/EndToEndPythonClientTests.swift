import DBCore
import Foundation
import Testing

/// Independent SQL Server clients we did not write, driven from Python against the sandbox
/// (`scripts/python-clients/check_clients.py`): python-tds (pure Python TDS) and pymssql (its own FreeTDS build).
/// `scripts/install-deps.sh` installs them into `.build/python-clients`; without them the test is skipped.
@Suite("End to end: independent Python clients")
struct EndToEndPythonClientTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = repository.appendingPathComponent(".build/python-clients/bin/python").path
    static let script = repository.appendingPathComponent("scripts/python-clients/check_clients.py").path
    static let available = FileManager.default.isExecutableFile(atPath: python)

    @Test(
        "CRUD, typed NULLs, OUTPUT INSERTED, TOP, rollback and error numbers",
        .enabled(
            if: available,
            "python-tds/pymssql are not installed in .build/python-clients (scripts/install-deps.sh installs them)"),
        arguments: ["pytds", "pymssql"])
    func client(_ name: String) throws {
        let sandbox = try EndToEndSandbox()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pyclient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputFile = directory.appendingPathComponent("output.txt")
        try Data().write(to: outputFile)
        let output = try FileHandle(forWritingTo: outputFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [
            Self.script, "127.0.0.1", String(sandbox.port), sandbox.user, sandbox.password, sandbox.database, name,
        ]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        try output.close()
        let printed = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(printed)")
        #expect(printed.contains("\(name) ok"), "\(printed)")
    }
}
