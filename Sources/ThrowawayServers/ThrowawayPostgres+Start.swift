import DBCore
import Foundation

extension ThrowawayPostgres {
    /// Makes and starts a temporary cluster: `initdb` (SCRAM-SHA-256, UTF8, C locale), a new CA and a server
    /// certificate for `localhost`/`127.0.0.1`, `ssl = on`, a free port on 127.0.0.1 and a Unix socket in the
    /// cluster's directory; then `pg_ctl start -w`. The cluster is stopped and deleted by ``stop()`` or when the
    /// object is released, and by a watchdog process when this process ends without either (a crash, a kill).
    ///
    /// Throws ``ThrowawayServerError`` naming the command that failed and what it printed.
    public static func start(_ options: Options = .init()) throws -> ThrowawayPostgres {
        let binDirectory = try PostgresBinaries.locate()
        let root = try makeRootDirectory(parent: options.parentDirectory)
        do {
            let password = try initializeCluster(options, root: root, binDirectory: binDirectory)
            let server = try launch(
                options, root: root, binDirectory: binDirectory, password: password, keepsFiles: false)
            startWatchdog(root: root, binDirectory: binDirectory)
            return server
        } catch {
            // Leave nothing behind: stop a server that may have started, then delete the directory.
            _ = try? CommandRunner.run(
                "\(binDirectory)/pg_ctl", ["stop", "-D", "\(root)/data", "-m", "immediate", "-w"],
                asUser: clusterOwner, workingDirectory: root, allowFailure: true)
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
    }

    /// Makes a new cluster in `root` (`data/`, `certs/`, `socket/`), not yet started; returns the superuser's
    /// password.
    static func initializeCluster(_ options: Options, root: String, binDirectory: String) throws -> Secret {
        let data = "\(root)/data"
        let socketDirectory = "\(root)/socket"
        let certificates = "\(root)/certs"
        let password = Secret(randomPassword())
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)

        let authority = try TestCertificateAuthority.create(in: certificates)
        let server = try authority.issueServerCertificate(in: certificates)

        let passwordFile = "\(root)/pwfile"
        try password.revealed.write(toFile: passwordFile, atomically: false, encoding: .utf8)
        try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile)
        try handOver(root)

        try CommandRunner.run(
            "\(binDirectory)/initdb",
            [
                "-D", data, "-U", options.superuser, "--auth=scram-sha-256", "--pwfile=\(passwordFile)", "-E", "UTF8",
                "--locale=C", "--no-sync",
            ],
            asUser: clusterOwner, workingDirectory: root)
        try? fileManager.removeItem(atPath: passwordFile)

        let settings =
            [
                "", "# Added by ThrowawayPostgres",
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '\(socketDirectory)'",
                "ssl = on",
                "ssl_cert_file = '\(server.certificatePath)'",
                "ssl_key_file = '\(server.keyPath)'",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "max_connections = 200",
            ] + options.extraSettings
        let configuration = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(data)/postgresql.conf"))
        try configuration.seekToEnd()
        try configuration.write(contentsOf: Data((settings.joined(separator: "\n") + "\n").utf8))
        try configuration.close()
        let hba = """
            # Written by ThrowawayPostgres: password (SCRAM-SHA-256) logins only.
            local all all scram-sha-256
            hostssl all all 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 scram-sha-256

            """
        try hba.write(toFile: "\(data)/pg_hba.conf", atomically: false, encoding: .utf8)
        try handOver(root)
        return password
    }

    /// Starts the cluster in `root` on a free port of 127.0.0.1 (`pg_ctl start -w`).
    ///
    /// - Parameter keepsFiles: whether ``stop()`` leaves `root` in place (a kept cluster) or deletes it.
    static func launch(
        _ options: Options, root: String, binDirectory: String, password: Secret, keepsFiles: Bool
    ) throws -> ThrowawayPostgres {
        let data = "\(root)/data"
        let log = "\(root)/postgres.log"
        let fileManager = FileManager.default
        // The port may be taken between finding it and the server binding it: retry with another.
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try FreePort.find()
            do {
                try CommandRunner.run(
                    "\(binDirectory)/pg_ctl",
                    ["start", "-D", data, "-w", "-t", "60", "-l", log, "-o", "-p \(port)"],
                    asUser: clusterOwner, workingDirectory: root)
                return ThrowawayPostgres(
                    host: "127.0.0.1", port: port, superuser: options.superuser, superuserPassword: password,
                    defaultDatabase: "postgres", caCertificatePath: "\(root)/certs/ca.crt", dataDirectory: data,
                    rootDirectory: root, defaultTLS: .disable, isExternal: false, binDirectory: binDirectory,
                    keepsFiles: keepsFiles)
            } catch var error as ThrowawayServerError {
                let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                error.output += "\n--- server log ---\n" + logText
                lastError = error
                guard logText.contains("could not bind") || logText.contains("already in use") else { throw error }
                try? fileManager.removeItem(atPath: log)
            }
        }
        throw lastError ?? ThrowawayServerError(command: "pg_ctl start", status: nil, output: "no free port")
    }

    /// Creates `/tmp/throwaway-pg-XXXXXX` (unique, mode 0700).
    private static func makeRootDirectory(parent: String) throws -> String {
        var template = Array("\(parent)/throwaway-pg-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw ThrowawayServerError(
                command: "mkdtemp \(parent)/throwaway-pg-XXXXXX", status: errno,
                output: String(cString: strerror(errno)))
        }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// When we are root, gives the cluster directory to the `postgres` user (PostgreSQL runs as that user and
    /// insists on owning its data and key files).
    static func handOver(_ root: String) throws {
        guard let owner = clusterOwner else { return }
        try CommandRunner.run("/bin/chown", ["-R", "\(owner):\(owner)", root])
    }

    /// 32 random letters and digits.
    static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Finds the PostgreSQL server programs.
enum PostgresBinaries {
    /// The directory holding `initdb` and `pg_ctl`: the highest version under `/usr/lib/postgresql/*/bin`, else
    /// `pg_config --bindir`, else the directory of `initdb` on `PATH`.
    static func locate() throws -> String {
        let fileManager = FileManager.default
        if let versions = try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            let sorted = versions.compactMap { version in Double(version).map { ($0, version) } }.sorted { $0.0 > $1.0 }
            for (_, version) in sorted {
                let bin = "/usr/lib/postgresql/\(version)/bin"
                if fileManager.isExecutableFile(atPath: "\(bin)/initdb") { return bin }
            }
        }
        if let pgConfig = CommandRunner.which("pg_config"),
            let output = try? CommandRunner.run(pgConfig, ["--bindir"])
        {
            let bin = output.text.split(separator: "\n").first.map(String.init) ?? ""
            if fileManager.isExecutableFile(atPath: "\(bin)/initdb") { return bin }
        }
        if let initdb = CommandRunner.which("initdb") {
            return URL(fileURLWithPath: initdb).deletingLastPathComponent().path
        }
        throw ThrowawayServerError(
            command: "initdb", status: nil,
            output:
                "PostgreSQL server programs not found (looked in /usr/lib/postgresql/*/bin, pg_config --bindir, PATH)")
    }
}
