import DBCore
import DBSQLKit
import FluentKit
import Logging

/// Fluent's driver over a DBCore pool: makes a ``FluentDBDatabase`` per request context and closes the pool at
/// shutdown when it made it.
struct FluentDBDriver: FluentKit.DatabaseDriver {
    let pool: ConnectionPool
    let ownsPool: Bool
    let sqlLogLevel: Logger.Level?

    func makeDatabase(with context: DatabaseContext) -> any Database {
        FluentDBDatabase(
            sql: pool.sql(logger: context.logger, on: context.eventLoop, queryLogLevel: sqlLogLevel), pool: pool,
            context: context, inTransaction: false)
    }

    func shutdown() {
        if ownsPool { pool.close() }
    }
}
