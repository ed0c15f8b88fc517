import DBCore
import DBSQLKit
import FluentKit
import FluentSQL
import Logging
import NIOCore
import SQLKit

/// A Fluent `Database` over ``DBSQLKit/DBSQLDatabase``: queries and schema changes go through FluentSQL's
/// converters (with ``PostgreSQLConverterDelegate`` or ``SQLServerConverterDelegate``), transactions through DBCore's
/// own (`autocommit` off on one borrowed connection, then `commit()` or `rollback()`). It is also an `SQLDatabase`,
/// so `(db as! any SQLDatabase).raw(...)` works as with Vapor's drivers.
struct FluentDBDatabase: Database, SQLDatabase {
    let sql: DBSQLDatabase
    let pool: ConnectionPool
    let context: DatabaseContext
    let inTransaction: Bool

    var isSQLServer: Bool { sql.backend == .sqlServer }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        guard !inTransaction else { return closure(self) }
        return onOneConnection(transaction: true, closure)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        guard !inTransaction else { return closure(self) }
        return onOneConnection(transaction: false, closure)
    }

    /// Runs `closure` with a database bound to one pooled connection: in autocommit mode, or (for a transaction)
    /// with autocommit off, committed when the closure succeeds and rolled back when it fails.
    private func onOneConnection<T>(
        transaction: Bool, _ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        let pool = self.pool, context = self.context, level = sql.queryLogLevel
        return context.eventLoop.makeFutureWithTask {
            try await pool.withConnection { connection in
                // Outside a transaction the database may outlive the borrow (Fluent allows it): it then runs on
                // the pool. A transaction's database refuses to run once its connection is back in the pool.
                let sql =
                    transaction
                    ? connection.sql(logger: context.logger, on: context.eventLoop, queryLogLevel: level)
                    : connection.sql(
                        borrowedFrom: pool, logger: context.logger, on: context.eventLoop, queryLogLevel: level)
                let database = FluentDBDatabase(sql: sql, pool: pool, context: context, inTransaction: transaction)
                try await connection.setAutocommit(!transaction)
                do {
                    let result = try await closure(database).map { ResultBox($0) }.get()
                    if transaction { try await connection.commit() }
                    return result
                } catch {
                    if transaction { try? await connection.rollback() }
                    throw error
                }
            }
        }.map(\.value)
    }

    // MARK: SQLDatabase

    var logger: Logger { context.logger }
    var eventLoop: any EventLoop { context.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { sql.version }
    var dialect: any SQLKit.SQLDialect { sql.dialect }
    var queryLogLevel: Logger.Level? { sql.queryLogLevel }

    func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        sql.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await sql.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await sql.withSession(closure)
    }
}
