import Foundation

/// Runs an executable of this package that SwiftPM built beside the test bundle (`quickstart`, `tds-sandbox`).
public enum BuiltExecutable {
    /// What a finished run printed, and how it ended.
    public struct Result: Sendable {
        /// The lines of standard output.
        public var lines: [String]
        /// The exit status.
        public var status: Int32
        /// Standard error, whole.
        public var errors: String
    }

    /// The built executable `name`, or `nil` when it is not beside the test bundle (or one or two folders up, where
    /// SwiftPM puts it on Linux and macOS).
    public static func url(named name: String) -> URL? {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let folders = [
            bundle, bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent(),
        ]
        return folders.map { $0.appendingPathComponent(name) }.first {
            FileManager.default.isExecutableFile(atPath: $0.path)
        }
    }

    /// Runs `executable` with `arguments` and exactly `environment`, and waits for it to end.
    public static func run(_ executable: URL, arguments: [String], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return Result(
            lines: lines, status: process.terminationStatus, errors: String(decoding: errorData, as: UTF8.self))
    }
}
