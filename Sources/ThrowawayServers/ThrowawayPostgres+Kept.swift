import DBCore
import Foundation

extension ThrowawayPostgres {
    /// The file in a kept cluster's directory that holds the superuser's password (mode 0600), so that a later
    /// run can log in again.
    static let keptPasswordFile = "superuser-password"

    /// Starts the cluster kept in `directory`, making it there first when the directory holds none yet: the same
    /// cluster as ``start(_:)`` makes (SCRAM-SHA-256, TLS, 127.0.0.1 on a free port), but ``stop()`` leaves the
    /// directory, its data and the superuser's password in place, and the next call starts it again.
    ///
    /// The directory is made (mode 0700) when absent. When we are root the cluster runs as the `postgres` user, which
    /// then owns the directory and must be able to reach it (every parent directory searchable).
    ///
    /// - Parameters:
    ///   - directory: where the cluster lives (`data/`, `certs/`, `socket/`, the log and the password file);
    ///     a relative path is taken from the current directory.
    ///   - options: the superuser and extra settings for a new cluster (`parentDirectory` is not used).
    /// - Throws: ``ThrowawayServerError`` naming the command that failed and what it printed, or when the
    ///   directory is neither empty nor a kept cluster.
    public static func startKeeping(in directory: String, options: Options = .init()) throws -> ThrowawayPostgres {
        let fileManager = FileManager.default
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        let binDirectory = try PostgresBinaries.locate()
        let passwordPath = "\(root)/\(keptPasswordFile)"
        let password: Secret
        if fileManager.fileExists(atPath: "\(root)/data/PG_VERSION") {
            guard let text = try? String(contentsOfFile: passwordPath, encoding: .utf8) else {
                throw ThrowawayServerError(
                    command: "read \(passwordPath)", status: nil,
                    output: "\(root) holds a cluster but not its password file; it was not made by startKeeping(in:)")
            }
            password = Secret(text.trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            try prepareEmptyDirectory(root)
            do {
                password = try initializeCluster(options, root: root, binDirectory: binDirectory)
                try password.revealed.write(toFile: passwordPath, atomically: false, encoding: .utf8)
                try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordPath)
                try handOver(root)
            } catch {
                // A half-made cluster would be refused next time: leave the directory empty again.
                for entry in (try? fileManager.contentsOfDirectory(atPath: root)) ?? [] {
                    try? fileManager.removeItem(atPath: "\(root)/\(entry)")
                }
                throw error
            }
        }
        return try launch(options, root: root, binDirectory: binDirectory, password: password, keepsFiles: true)
    }

    /// Makes `root` (0700) when absent; refuses a directory that holds anything.
    private static func prepareEmptyDirectory(_ root: String) throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: root) {
            let entries = try fileManager.contentsOfDirectory(atPath: root)
            guard entries.isEmpty else {
                throw ThrowawayServerError(
                    command: "startKeeping(in: \(root))", status: nil,
                    output: "\(root) is neither empty nor a kept cluster (it holds \(entries.sorted().prefix(3)))")
            }
            try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root)
        } else {
            try fileManager.createDirectory(
                atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}
