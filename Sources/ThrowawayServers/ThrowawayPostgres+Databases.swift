import DBCore
import Foundation

extension ThrowawayPostgres {
    /// Creates a database owned by the superuser, through `psql`. The name is quoted as an identifier, so any
    /// text is a valid name. Throws ``ThrowawayServerError`` with psql's output on failure.
    public func createDatabase(named name: String) throws {
        try runSQL("CREATE DATABASE \(ThrowawayPostgres.quoteIdentifier(name))")
    }

    /// Drops a database if it exists (`DROP DATABASE IF EXISTS … WITH (FORCE)`), through `psql`.
    public func dropDatabase(named name: String) throws {
        try runSQL("DROP DATABASE IF EXISTS \(ThrowawayPostgres.quoteIdentifier(name)) WITH (FORCE)")
    }

    /// Runs SQL as the superuser in ``defaultDatabase`` through `psql` (password in the environment, never on the
    /// command line) and returns what psql printed (unaligned, tuples only).
    @discardableResult
    public func runSQL(_ sql: String) throws -> String {
        let psql: String
        if let binDirectory, FileManager.default.isExecutableFile(atPath: "\(binDirectory)/psql") {
            psql = "\(binDirectory)/psql"
        } else if let found = CommandRunner.which("psql") {
            psql = found
        } else {
            throw ThrowawayServerError(command: "psql", status: nil, output: "psql not found")
        }
        var environment = [
            "PGPASSWORD": superuserPassword.revealed, "PGSSLMODE": defaultTLS.rawValue, "PGCONNECT_TIMEOUT": "10",
        ]
        if let caCertificatePath { environment["PGSSLROOTCERT"] = caCertificatePath }
        let output = try CommandRunner.run(
            psql,
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port), "-U", superuser,
                "-d", defaultDatabase, "-c", sql,
            ],
            environment: environment, workingDirectory: "/")
        return output.text
    }

    /// `name` as a double-quoted SQL identifier.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
