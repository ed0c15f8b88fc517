import DBCore
import Foundation

/// `BENCH_SQLSERVER`: an SQL Server (a real one, or Babelfish) that the SQL Server rows run against instead of the
/// TDS sandbox, so the client side is measured where the server keeps up. Written either as a URL,
/// `sqlserver://user:password@host:port/database?encrypt=false` (the form `MSSQL_TEST_URL` takes), or as
/// `host:port,user,password,database`. The bench drops and creates its `bench_*` tables in that database.
/// The password is never printed: ``label`` names the server by host, port, database and user only.
struct ExternalSQLServer {
    /// The environment variable.
    static let variable = "BENCH_SQLSERVER"

    /// Where MSSQLDriver connects (and, through the `DBLIB_*` variables, the C loop and pymssql).
    let configuration: ConnectionConfiguration

    /// The server, for the report: `user@host:port/database`, without the password.
    var label: String {
        "\(configuration.user ?? "?")@\(configuration.host):\(configuration.effectivePort)/\(database)"
    }

    /// The database the tables go in.
    var database: String { configuration.database ?? "master" }

    /// The server named by `BENCH_SQLSERVER`, or `nil` when it is unset or empty.
    static func fromEnvironment() throws -> ExternalSQLServer? {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return nil }
        return try ExternalSQLServer(parsing: text)
    }

    /// Parses either form; errors never quote the text (it holds the password).
    init(parsing text: String) throws {
        if text.contains("://") {
            var parsed = try ConnectionConfiguration(url: text)
            guard parsed.backend == .sqlServer else {
                throw DatabaseError.invalidConfiguration("\(Self.variable) must be a sqlserver:// URL")
            }
            if parsed.port == nil { parsed.port = parsed.effectivePort }
            configuration = parsed
            return
        }
        // host:port,user,password,database — the password is whatever lies between the second and the last comma.
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count >= 4, let colon = parts[0].lastIndex(of: ":"),
            let port = Int(parts[0][parts[0].index(after: colon)...]), (1...65_535).contains(port)
        else {
            throw DatabaseError.invalidConfiguration(
                "\(Self.variable) must be sqlserver://user:password@host:port/database "
                    + "or host:port,user,password,database")
        }
        let password = parts[2..<(parts.count - 1)].joined(separator: ",")
        configuration = ConnectionConfiguration(
            backend: .sqlServer, host: String(parts[0][..<colon]), port: port, database: String(parts[parts.count - 1]),
            user: String(parts[1]), password: Secret(password), tls: .disable, connectTimeout: 15)
    }

    /// The `DBLIB_*` variables the C loop (`dblib_bench`) and pymssql (`mssql_bench.py`) read.
    var childEnvironment: [String: String] {
        [
            "DBLIB_SERVER": "\(configuration.host):\(configuration.effectivePort)",
            "DBLIB_USER": configuration.user ?? "", "DBLIB_PASSWORD": configuration.password?.revealed ?? "",
            "DBLIB_DATABASE": database,
        ]
    }
}
