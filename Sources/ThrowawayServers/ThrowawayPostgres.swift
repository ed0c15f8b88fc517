import DBCore
import Foundation
import Synchronization

/// A PostgreSQL server for tests and samples: either a temporary cluster this process made (``start(_:)``), or an
/// existing server named by environment variables (``shared()`` when `DBHOST` is set).
///
/// A temporary cluster lives in its own directory under `/tmp` (data, TLS certificates, Unix socket, log), listens
/// on 127.0.0.1 at a free port with TLS on, and accepts only SCRAM-SHA-256 password logins. ``stop()`` shuts it
/// down and deletes the directory.
///
/// ```swift
/// let server = try ThrowawayPostgres.start()
/// defer { server.stop() }
/// let connection = try PGDriver.connect(server.configuration(tls: .verifyFull))
/// ```
///
/// It is `Sendable`: every stored property is an immutable `let` except the running state, which lives in a
/// `Mutex`, so ``stop()`` from any thread is safe and happens once.
public final class ThrowawayPostgres: Sendable {
    /// How to make a temporary cluster.
    public struct Options: Sendable {
        /// The superuser's name.
        public var superuser: String
        /// Extra `postgresql.conf` lines (e.g. `["max_connections = 300"]`), appended after ours.
        public var extraSettings: [String]
        /// Where the cluster's directory goes.
        public var parentDirectory: String

        /// Creates options.
        public init(superuser: String = "postgres", extraSettings: [String] = [], parentDirectory: String = "/tmp") {
            self.superuser = superuser
            self.extraSettings = extraSettings
            self.parentDirectory = parentDirectory
        }
    }

    /// The server's address: `127.0.0.1` for a temporary cluster.
    public let host: String
    /// The server's TCP port.
    public let port: Int
    /// The superuser's name.
    public let superuser: String
    /// The superuser's password.
    public let superuserPassword: Secret
    /// The database to use when none is named (`postgres`, or `DBNAME` for an existing server).
    public let defaultDatabase: String
    /// The CA certificate that signed the server's certificate (for `sslmode=verify-full`); `nil` for an existing
    /// server unless `SSLROOTCERT` names one.
    public let caCertificatePath: String?
    /// The cluster's data directory; `nil` for an existing server.
    public let dataDirectory: String?
    /// The directory holding everything of a temporary cluster (removed by ``stop()``); `nil` for an existing server.
    public let rootDirectory: String?
    /// The TLS mode ``configuration(database:tls:)`` uses when none is given: `.disable` for a temporary cluster,
    /// `SSLMODE` (or `.prefer`) for an existing server.
    public let defaultTLS: TLSMode
    /// Whether this describes an existing server (from `DBHOST`), which ``stop()`` leaves alone.
    public let isExternal: Bool
    /// The directory of the PostgreSQL programs (`pg_ctl`, `psql`), when found.
    public let binDirectory: String?

    /// Whether ``stop()`` keeps the cluster's directory (a cluster from ``startKeeping(in:options:)``).
    public let keepsFiles: Bool

    private let running: Mutex<Bool>

    init(
        host: String, port: Int, superuser: String, superuserPassword: Secret, defaultDatabase: String,
        caCertificatePath: String?, dataDirectory: String?, rootDirectory: String?, defaultTLS: TLSMode,
        isExternal: Bool, binDirectory: String?, keepsFiles: Bool = false
    ) {
        self.host = host
        self.port = port
        self.superuser = superuser
        self.superuserPassword = superuserPassword
        self.defaultDatabase = defaultDatabase
        self.caCertificatePath = caCertificatePath
        self.dataDirectory = dataDirectory
        self.rootDirectory = rootDirectory
        self.defaultTLS = defaultTLS
        self.isExternal = isExternal
        self.binDirectory = binDirectory
        self.keepsFiles = keepsFiles
        self.running = Mutex(!isExternal)
    }

    /// A configuration that logs in as the superuser (backend `.postgresql`).
    ///
    /// - Parameters:
    ///   - database: the database to open; ``defaultDatabase`` when `nil`.
    ///   - tls: the TLS mode; ``defaultTLS`` when `nil`. With `.verifyCA`/`.verifyFull` the configuration names
    ///     ``caCertificatePath`` as the trusted root.
    public func configuration(database: String? = nil, tls: TLSMode? = nil) -> ConnectionConfiguration {
        let mode = tls ?? defaultTLS
        return ConnectionConfiguration(
            backend: .postgresql, host: host, port: port, database: database ?? defaultDatabase, user: superuser,
            password: superuserPassword, tls: mode, tlsRootCertificatePath: caCertificatePath,
            connectTimeout: 10, applicationName: "throwaway-servers")
    }

    /// Whether the temporary cluster is running (always `true` for an existing server).
    public var isRunning: Bool { isExternal || running.withLock { $0 } }

    /// Stops a temporary cluster (`pg_ctl stop -m fast`) and deletes its directory (a kept cluster's stays).
    /// Idempotent; does nothing for an existing server. Failures are ignored: there is nothing left to do about them.
    public func stop() { stopCluster(mode: "fast") }

    /// Stops a temporary cluster without waiting for clients and deletes it, as a crash would (`pg_ctl stop -m
    /// immediate`). For tests of lost connections.
    public func kill() { stopCluster(mode: "immediate") }

    /// `pg_ctl stop -m mode`, once, then the directory deleted unless kept.
    private func stopCluster(mode: String) {
        guard !isExternal else { return }
        let wasRunning = running.withLock { state -> Bool in
            defer { state = false }
            return state
        }
        guard wasRunning, let dataDirectory, let rootDirectory, let binDirectory else { return }
        _ = try? CommandRunner.run(
            "\(binDirectory)/pg_ctl", ["stop", "-D", dataDirectory, "-m", mode, "-w", "-t", "60"],
            asUser: ThrowawayPostgres.clusterOwner, workingDirectory: rootDirectory, allowFailure: true)
        if !keepsFiles { try? FileManager.default.removeItem(atPath: rootDirectory) }
    }

    deinit {
        stop()
    }

    /// The operating-system user that owns and runs clusters: `postgres` when we are root (PostgreSQL refuses to
    /// run as root), else `nil` (ourselves).
    static var clusterOwner: String? { getuid() == 0 ? "postgres" : nil }

    /// A TCP port on 127.0.0.1 that nothing listened on a moment ago (for tests of refused connections).
    public static func unusedPort() throws -> Int { try FreePort.find() }
}
