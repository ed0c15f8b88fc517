import DBCore
import PGDriver

extension PostgresSessionEngine {
    /// Opens a PostgreSQL connection through PGDriver.
    @Sendable static func openPostgresConnection(_ configuration: ConnectionConfiguration) throws -> any DatabaseConnection {
        // PGDriver's PGConnection is being written on the `pg` branch; until it is merged, no connection opens.
        throw DatabaseError(kind: .unsupported, message: "PGDriver is not available in this build yet")
    }
}
