import DBCore
import PGDriver

extension PostgresSessionEngine {
    /// Opens a PostgreSQL connection through PGDriver.
    @Sendable static func openPostgresConnection(
        _ configuration: ConnectionConfiguration
    ) throws -> any DatabaseConnection {
        try PGConnection.connect(configuration)
    }

    /// A cursor that streams its rows (libpq single-row mode) when the connection is PGDriver's, so a large
    /// result never sits in memory.
    func streamingCursor(on connection: any DatabaseConnection) throws -> any DatabaseCursor {
        if let postgres = connection as? PGConnection { return try postgres.makeCursor(streamsResults: true) }
        return try connection.cursor()
    }
}
