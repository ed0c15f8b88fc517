import DBCore
import Foundation
import ThrowawayServers

/// The `tds-sandbox` executable, built next to the test bundle by `swift build` / `swift test`, running as its
/// own process on a new database of the shared throwaway PostgreSQL. Its memory can be measured apart from the
/// test process, which every test suite shares.
///
/// Its output goes to a file, not a pipe: a process another test spawns at the same moment (a PostgreSQL server
/// above all, which lives until the end of the run) inherits open pipe ends, and reading a pipe to its end would
/// then wait forever.
final class SandboxProcess {
    /// Where `swift build` puts the executable: next to the test bundle.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("tds-sandbox")

    /// Whether the executable is built.
    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable.path) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let process = Process()
    let port: Int
    let database: String
    let configuration: ConnectionConfiguration
    private let outputFile: URL

    /// Starts the executable on port 0 with `extraArguments` added and waits for its "listening on HOST:PORT"
    /// line.
    init(extraArguments: [String] = []) throws {
        let postgres = try ThrowawayPostgres.shared()
        database = "e2e_exe_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try postgres.createDatabase(named: database)
        configuration = postgres.configuration(database: database)
        process.executableURL = Self.executable
        // No password on the command line: each session logs in to PostgreSQL with the TDS login's password.
        process.arguments =
            [
                "--listen", "127.0.0.1:0", "--postgres",
                "host=\(postgres.host) port=\(postgres.port) dbname=\(database) user=\(configuration.user ?? "postgres")",
            ] + extraArguments
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tds-sandbox-\(UUID().uuidString).log")
        try Data().write(to: outputFile)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Wait (30 s at most) for "tds-sandbox listening on HOST:PORT".
        var printed = ""
        let deadline = Date().addingTimeInterval(30)
        while !printed.contains("\n"), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            printed = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        }
        guard printed.hasPrefix("tds-sandbox listening on "),
            let port = Int(printed.split(separator: "\n")[0].split(separator: ":").last ?? "")
        else {
            process.terminate()
            throw Failure(description: "tds-sandbox did not start: \(printed)")
        }
        self.port = port
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: outputFile)
    }

    var user: String { configuration.user ?? "postgres" }
    var password: String { configuration.password?.revealed ?? "" }

    /// A new raw client, logged in.
    func client() throws -> WireClient {
        let client = try WireClient(port: port)
        let response = try client.login(user: user, password: password, database: database)
        guard response.errors.isEmpty else { throw Failure(description: "login failed: \(response.errors)") }
        return client
    }

    /// Sends SIGTERM and waits for the process to end; returns whether it exited with status 0, and what it printed.
    func stop() -> (cleanExit: Bool, printed: String) {
        process.terminate()
        process.waitUntilExit()
        let printed = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return (process.terminationReason == .exit && process.terminationStatus == 0, printed)
    }

    /// A field of /proc/PID/status in bytes (`VmRSS`: resident now, `VmHWM`: resident at its peak).
    func memory(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return 0
    }

    /// Resets the peak resident set size (VmHWM) to the current one; returns whether the kernel accepted it.
    func resetPeakMemory() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/\(process.processIdentifier)/clear_refs") else {
            return false
        }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }
}
