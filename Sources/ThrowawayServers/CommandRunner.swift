import Foundation

/// Runs an external command to completion and captures its output, for setting up throwaway servers.
///
/// Output goes to a temporary file rather than a pipe: `pg_ctl start` leaves a server process behind that would
/// inherit a pipe and keep it open, so reading a pipe to its end would never finish. Commands start with
/// `posix_spawn` and are reaped with `waitpid` (Foundation's `Process` can miss the exit of a child when several
/// run at once from test threads).
enum CommandRunner {
    /// The outcome of one command.
    struct Output {
        /// The exit status.
        var status: Int32
        /// Standard output and standard error, in that order.
        var text: String
    }

    /// Runs `executable` with `arguments`; when `asUser` is given and we are root, runs it through
    /// `runuser -u <user> --`. Throws ``ThrowawayServerError`` if the command cannot start or exits non-zero
    /// (unless `allowFailure`).
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], asUser user: String? = nil, environment: [String: String] = [:],
        workingDirectory: String? = nil, allowFailure: Bool = false
    ) throws -> Output {
        var launchPath = executable
        var launchArguments = arguments
        if let user, getuid() == 0 {
            launchPath = "/usr/sbin/runuser"
            if !FileManager.default.isExecutableFile(atPath: launchPath) { launchPath = "/sbin/runuser" }
            launchArguments = ["-u", user, "--", executable] + arguments
        }
        let commandLine = ([executable] + arguments).joined(separator: " ")

        let captureDirectory = FileManager.default.temporaryDirectory
        let outURL = captureDirectory.appendingPathComponent("throwaway-cmd-\(UUID().uuidString).out")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil) else {
            throw ThrowawayServerError(command: commandLine, status: nil, output: "could not create \(outURL.path)")
        }
        defer { try? FileManager.default.removeItem(at: outURL) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let status: Int32
        do {
            status = try spawnAndWait(
                launchPath, launchArguments, environment: env, outputFile: outURL.path,
                workingDirectory: workingDirectory)
        } catch let error as ThrowawayServerError {
            throw ThrowawayServerError(command: commandLine, status: nil, output: error.output)
        }
        let text = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let output = Output(status: status, text: text)
        if output.status != 0 && !allowFailure {
            throw ThrowawayServerError(command: commandLine, status: output.status, output: text)
        }
        return output
    }

    /// The full path of `name` found on `PATH`, or `nil`.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
