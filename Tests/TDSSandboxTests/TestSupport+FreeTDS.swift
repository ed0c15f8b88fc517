import DBCore
import Foundation

/// Runs FreeTDS's command-line clients (`tsql`, `freebcp`) against a sandbox port with an empty freetds.conf and
/// TDS 7.4: the one runner every FreeTDS test uses.
enum FreeTDSTool {
    /// What a run printed.
    struct Output {
        /// Standard output.
        var standardOutput: String
        /// Standard error.
        var standardError: String
        /// Both, output first.
        var combined: String { standardOutput + standardError }
    }

    /// Runs `/usr/bin/<tool>` with `arguments` and `input` on stdin, with `freetdsConf` as its freetds.conf
    /// (empty unless given) and `environment` added to its environment.
    ///
    /// Output goes to files, not pipes: a process another test spawns meanwhile would inherit a pipe's write end,
    /// and reading the pipe to its end would wait until that process exits.
    static func capture(
        _ tool: String, _ arguments: [String], input: String = "", freetdsConf: String = "",
        environment extraEnvironment: [String: String] = [:]
    ) throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("freetds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("freetds.conf")
        try Data(freetdsConf.utf8).write(to: config)
        let outputFile = directory.appendingPathComponent("stdout.txt")
        let errorFile = directory.appendingPathComponent("stderr.txt")
        try Data().write(to: outputFile)
        try Data().write(to: errorFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + tool)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FREETDSCONF"] = config.path
        environment["TDSVER"] = "7.4"
        environment["HOME"] = directory.path
        environment["LANG"] = "C.UTF-8"
        environment.merge(extraEnvironment) { _, extra in extra }
        process.environment = environment
        let stdin = Pipe()
        let stdout = try FileHandle(forWritingTo: outputFile)
        let stderr = try FileHandle(forWritingTo: errorFile)
        defer {
            try? stdout.close()
            try? stderr.close()
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return Output(
            standardOutput: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
    }

    /// Runs `tool`; returns stdout + stderr.
    static func run(_ tool: String, _ arguments: [String], input: String = "") throws -> String {
        try capture(tool, arguments, input: input).combined
    }

    /// `tsql` against the sandbox on `port` as `user`, optionally in `database`; returns stdout + stderr.
    static func tsql(port: Int, user: String, password: String, database: String? = nil, input: String) throws -> String
    {
        var arguments = ["-H", "127.0.0.1", "-p", String(port), "-U", user, "-P", password]
        if let database { arguments += ["-D", database] }
        return try run("tsql", arguments, input: input)
    }

    /// `tsql` against the sandbox on `port`, logged in with the PostgreSQL configuration's user and database.
    static func tsql(port: Int, configuration: ConnectionConfiguration, input: String) throws -> String {
        try tsql(
            port: port, user: configuration.user ?? "postgres", password: configuration.password?.revealed ?? "",
            database: configuration.database ?? "postgres", input: input)
    }
}
