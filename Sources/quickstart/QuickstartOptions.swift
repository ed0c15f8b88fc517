import ArgumentParser
import DBCore

/// The command line of `quickstart`: which backend runs the Azure quickstarts.
struct QuickstartOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickstart",
        abstract: "The Azure quickstarts in Swift, through DBCore, on PostgreSQL or SQL Server.",
        discussion: """
            With DBHOST unset it starts a throwaway PostgreSQL on 127.0.0.1 (and, for mssql, the TDS sandbox \
            in-process). With DBHOST, DBNAME, DBUSER, DBPASSWORD and optionally DBPORT and SSLMODE set it uses \
            that server as it is (for mssql the port defaults to 1433).
            """
    )

    @Option(help: "The database: postgres (the inventory flow) or mssql (the inventory flow, then pymssql's).")
    var backend: BackendArgument = .postgres
}

/// `--backend`: postgres (also postgresql, pg) or mssql (also sqlserver, sql-server).
enum BackendArgument: String, CaseIterable, ExpressibleByArgument {
    case postgres
    case mssql

    init?(argument: String) {
        switch argument {
        case "postgres", "postgresql", "pg": self = .postgres
        case "mssql", "sqlserver", "sql-server": self = .mssql
        default: return nil
        }
    }

    /// The DBCore backend.
    var backend: DatabaseBackend {
        switch self {
        case .postgres: .postgresql
        case .mssql: .sqlServer
        }
    }
}
