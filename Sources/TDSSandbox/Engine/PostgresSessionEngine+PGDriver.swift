import DBCore
import PGDriver

extension PostgresSessionEngine {
    /// Opens a PostgreSQL connection through PGDriver.
    @Sendable static func openPostgresConnection(_ configuration: ConnectionConfiguration) throws -> any DatabaseConnection {
        // PGDriver's connection is being written on the `pg` branch; until it is merged, no connection opens.
        throw DatabaseError(kind: .unsupported, message: "PGDriver is not available in this build yet")
    }

    /// A cursor for a statement's results (streaming once PGDriver is merged).
    func streamingCursor(on connection: any DatabaseConnection) throws -> any DatabaseCursor {
        try connection.cursor()
    }
}
