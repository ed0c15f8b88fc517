import Foundation

/// A throwaway server could not be set up, started or stopped: which command failed, and what it printed.
public struct ThrowawayServerError: Error, Sendable, CustomStringConvertible {
    /// The command line that failed (never contains a password: passwords travel in files or the environment).
    public var command: String
    /// The exit status, or `nil` when the command could not be started or the failure was not a command's.
    public var status: Int32?
    /// What the command printed (standard output and standard error), or an explanation.
    public var output: String

    /// Creates an error.
    public init(command: String, status: Int32?, output: String) {
        self.command = command
        self.status = status
        self.output = output
    }

    /// `command failed (exit N): output`.
    public var description: String {
        let exit = status.map { " (exit \($0))" } ?? ""
        return "`\(command)` failed\(exit): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}
