import Foundation

/// The TDS sandbox as a process of its own (the `tds-sandbox` executable), so that every SQL Server contender —
/// MSSQLDriver in this process, the raw C loop and pymssql in child processes — talks to the same server over
/// TCP, and the client CPU each one reports (getrusage of its own process) is the client's only.
final class SandboxProcess {
    private let process = Process()
    /// The port the sandbox listens on (127.0.0.1).
    private(set) var port = 0

    /// Where the executable is: `BENCH_TDS_SANDBOX` (scripts/bench.sh builds it in release), else next to this
    /// executable (both products share `swift build`'s bin directory).
    static func executablePath() -> Result<String, BenchSkip> {
        if let path = ProcessInfo.processInfo.environment["BENCH_TDS_SANDBOX"] {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                return .failure(BenchSkip(reason: "not measured: BENCH_TDS_SANDBOX (\(path)) is not executable"))
            }
            return .success(path)
        }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tds-sandbox").path
        guard FileManager.default.isExecutableFile(atPath: sibling) else {
            return .failure(
                BenchSkip(
                    reason:
                        "not measured: no tds-sandbox executable (build it: swift build -c release --product tds-sandbox)"
                ))
        }
        return .success(sibling)
    }

    /// Starts `executable --listen 127.0.0.1:0 --postgres <conninfo>` and waits for its "listening on" line.
    /// The conninfo holds no password: each TDS login opens its PostgreSQL session with the login's credentials.
    init(executable: String, postgresConnInfo: String) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--listen", "127.0.0.1:0", "--postgres", postgresConnInfo]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("tds-sandbox listening on "), let colon = line.lastIndex(of: ":"),
            let port = Int(line[line.index(after: colon)...])
        else {
            stop()
            throw BenchSkip(reason: "tds-sandbox did not start (it printed \"\(line)\")")
        }
        self.port = port
        CPUPinning.pinServer(process.processIdentifier)
    }

    /// Stops the sandbox (SIGTERM) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
