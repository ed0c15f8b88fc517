import DBCore
import Foundation
import Testing

/// `tds-sandbox` with no `--postgres`: it starts an embedded PostgreSQL, prints connection strings a client can
/// paste, and removes the cluster on exit (or keeps it with `--data-dir`).
@Suite(
    "End to end: tds-sandbox with an embedded PostgreSQL",
    .enabled(if: SandboxProcess.isBuilt && EndToEndSandbox.hasTsql, "tds-sandbox or tsql is missing"))
struct EmbeddedExecutableTests {
    @Test func servesATsqlLoginFromThePrintedStringsAndRemovesTheClusterOnSIGTERM() throws {
        // No argument but a free port (the default, 1433, may be taken on a test machine).
        let sandbox = try EmbeddedSandboxProcess(arguments: ["--listen", "127.0.0.1:0"])
        #expect(sandbox.postgresLine.contains("(removed on exit)"), "\(sandbox.printed)")
        #expect(FileManager.default.fileExists(atPath: sandbox.clusterDirectory))

        // The ADO.NET string, parsed as a client would, is enough to log in with tsql.
        let configuration = try ConnectionConfiguration(parsing: sandbox.value(after: "ADO.NET: "))
        #expect(configuration.backend == .sqlServer)
        #expect(configuration.port == sandbox.port)
        let output = try FreeTDSTool.tsql(
            port: sandbox.port, configuration: configuration,
            input: "SELECT DB_NAME() AS db\ngo\nexit\n")
        #expect(output.contains(configuration.database ?? "?") && output.contains("(1 row affected)"), "\(output)")
        // The URL names the same login.
        let url = try ConnectionConfiguration(parsing: sandbox.value(after: "URL:     "))
        #expect(url.user == configuration.user && url.password == configuration.password && url.port == sandbox.port)

        let (cleanExit, printed) = sandbox.stop(signal: SIGTERM)
        #expect(cleanExit, "\(printed)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.clusterDirectory), "the cluster was left behind")
    }

    @Test func dataDirKeepsTheClusterBetweenRuns() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tds-sandbox-kept-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let table = "kept_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()

        let first = try EmbeddedSandboxProcess(arguments: ["--listen", "127.0.0.1:0", "--data-dir", directory])
        #expect(first.postgresLine.contains("(kept between runs)"), "\(first.printed)")
        let firstLogin = try ConnectionConfiguration(parsing: first.value(after: "ADO.NET: "))
        let created = try FreeTDSTool.tsql(
            port: first.port, configuration: firstLogin,
            input: "CREATE TABLE \(table) (n int)\ngo\nINSERT INTO \(table) VALUES (42)\ngo\n"
                + "SELECT COUNT(*) FROM \(table)\ngo\nexit\n")
        #expect(!created.contains("Msg ") && created.contains("(1 row affected)"), "\(created)")
        let (firstExit, firstPrinted) = first.stop(signal: SIGINT)
        #expect(firstExit, "\(firstPrinted)")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/data/PG_VERSION"))

        let second = try EmbeddedSandboxProcess(arguments: ["--listen", "127.0.0.1:0", "--data-dir", directory])
        let secondLogin = try ConnectionConfiguration(parsing: second.value(after: "ADO.NET: "))
        #expect(secondLogin.password == firstLogin.password)
        let read = try FreeTDSTool.tsql(
            port: second.port, configuration: secondLogin, input: "SELECT n FROM \(table)\ngo\nexit\n")
        #expect(read.contains("42"), "\(read)")
        let (secondExit, secondPrinted) = second.stop(signal: SIGTERM)
        #expect(secondExit, "\(secondPrinted)")
    }

    @Test func dataDirWithPostgresIsACommandLineError() throws {
        let process = Process()
        process.executableURL = SandboxProcess.executable
        process.arguments = ["--postgres", "host=/nonexistent", "--data-dir", "/nonexistent"]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tds-args-\(UUID().uuidString)")
        try Data().write(to: output)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 64)  // EX_USAGE
        #expect(printed.contains("--data-dir is for the embedded PostgreSQL"), "\(printed)")
    }
}

/// The `tds-sandbox` executable started without `--postgres`; waits for the lines it prints once ready.
/// Standard output goes to a file (see ``SandboxProcess`` for why not a pipe); standard error to another.
final class EmbeddedSandboxProcess {
    let process = Process()
    /// What it printed on standard output once ready.
    let printed: String
    /// The TDS port it listens on.
    let port: Int
    private let outputFile: URL
    private let errorFile: URL

    init(arguments: [String]) throws {
        process.executableURL = SandboxProcess.executable
        process.arguments = arguments
        let name = "tds-sandbox-embedded-\(UUID().uuidString)"
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent(name + ".out")
        errorFile = FileManager.default.temporaryDirectory.appendingPathComponent(name + ".err")
        try Data().write(to: outputFile)
        try Data().write(to: errorFile)
        let output = try FileHandle(forWritingTo: outputFile)
        let errors = try FileHandle(forWritingTo: errorFile)
        defer {
            try? output.close()
            try? errors.close()
        }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Ready when the last line (the tsql command) is out; a generous bound only against a hang.
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while !text.contains("\ntsql:"), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        }
        printed = text
        let first = text.split(separator: "\n").first.map(String.init) ?? ""
        guard text.contains("\ntsql:"), first.hasPrefix("tds-sandbox listening on "),
            let colon = first.lastIndex(of: ":"), let port = Int(first[first.index(after: colon)...])
        else {
            process.terminate()
            process.waitUntilExit()
            let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw SandboxProcess.Failure(description: "tds-sandbox did not start: \(text)\n\(errorText)")
        }
        self.port = port
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: outputFile)
        try? FileManager.default.removeItem(at: errorFile)
    }

    /// The rest of the printed line that starts with `prefix`.
    func value(after prefix: String) throws -> String {
        guard let line = printed.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
            throw SandboxProcess.Failure(description: "no line starting with \(prefix) in: \(printed)")
        }
        return String(line.dropFirst(prefix.count))
    }

    /// The "PostgreSQL: embedded on …" line.
    var postgresLine: String { (try? value(after: "PostgreSQL: ")) ?? "" }

    /// The embedded cluster's directory, from that line (`…, in DIR (…)`).
    var clusterDirectory: String {
        let line = postgresLine
        guard let start = line.range(of: ", in "), let end = line.range(of: " (", options: .backwards) else {
            return ""
        }
        return String(line[start.upperBound..<end.lowerBound])
    }

    /// Sends `signal`, waits for the exit; returns whether it exited with status 0, and what it printed.
    func stop(signal: Int32) -> (cleanExit: Bool, printed: String) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationReason == .exit && process.terminationStatus == 0, printed + errorText)
    }
}
