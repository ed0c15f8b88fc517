import DBCore
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// An SQLKit `SQLDatabase` over DBCore: a ``DBCore/ConnectionPool`` (each statement borrows a connection) or one
/// ``DBCore/AsyncConnection`` (a session: every statement on the same connection, as transactions need).
///
/// ```swift
/// let sql = pool.sql()                        // PostgreSQL or SQL Server, from the pool's configuration
/// try await sql.create(table: "planets").ifNotExists().column("id", type: .bigint, .primaryKey).run()
/// let names = try await sql.select().column("name").from("planets").limit(10)
///     .all(decodingColumn: "name", as: String.self)
/// ```
///
/// Binds become ``DBCore/SQLValue``s through ``SQLValueEncoder`` and always travel as server-side parameters;
/// rows are ``DBSQLRow``s. On SQL Server every statement is first checked and rewritten by
/// ``SQLServerDialect/prepare(_:)``: what cannot be written as T-SQL is refused before anything is sent.
public struct DBSQLDatabase: SQLDatabase {
    /// Where statements run.
    enum Source: Sendable {
        case pool(ConnectionPool)
        case connection(AsyncConnection)
        /// One pooled connection while it is borrowed; the pool itself once it has been given back (for a database
        /// object that outlives the borrow, as Fluent's `withConnection` allows).
        case borrowed(AsyncConnection, pool: ConnectionPool)
        case renderOnly
    }

    let source: Source
    /// The logger statements are logged to (at ``queryLogLevel``).
    public let logger: Logger
    /// The event loop SQLKit's future-based API completes on. Statements never run on it: they run on the
    /// connection's own thread.
    public let eventLoop: any EventLoop
    /// The SQLKit dialect: ``PostgreSQLDialect`` or ``SQLServerDialect``.
    public let dialect: any SQLKit.SQLDialect
    /// The level statements are logged at; `nil` logs none. Binds are never logged, only their count.
    public let queryLogLevel: Logger.Level?

    init(
        source: Source, backend: DatabaseBackend, logger: Logger, eventLoop: (any EventLoop)?,
        queryLogLevel: Logger.Level?
    ) {
        self.source = source
        self.logger = logger
        self.eventLoop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        self.dialect = backend == .sqlServer ? SQLServerDialect() as any SQLKit.SQLDialect : PostgreSQLDialect()
        self.queryLogLevel = queryLogLevel
    }

    /// A database that renders statements (``render(_:)``) for `backend` without any connection; executing on it
    /// throws ``DBCore/DatabaseError/Kind/misuse``. For tests and for seeing what would be sent.
    public static func rendering(for backend: DatabaseBackend) -> DBSQLDatabase {
        DBSQLDatabase(
            source: .renderOnly, backend: backend, logger: Logger(label: "DBSQLKit"), eventLoop: nil, queryLogLevel: nil
        )
    }

    /// The database family the statements go to.
    public var backend: DatabaseBackend {
        dialect is SQLServerDialect ? .sqlServer : .postgresql
    }

    /// Runs `query`, calling `onRow` for each row of its first result set; the future completes on ``eventLoop``.
    public func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    )
        -> EventLoopFuture<Void>
    {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    /// Runs `query`, calling `onRow` for each row of its first result set.
    ///
    /// On SQL Server, a multi-row `INSERT` too large for one statement (more than 1,000 rows or 2,000 parameters)
    /// runs as several, in one transaction when this database is a pool (in the session's own mode otherwise).
    ///
    /// - Throws: ``DBCore/DatabaseError`` from the server; ``DBCore/DatabaseError/Kind/unsupported`` (before
    ///   sending) for a statement the SQL Server dialect cannot render.
    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let statements: [BoundStatement]
        if dialect is SQLServerDialect, let insert = query as? SQLInsert,
            let parts = SQLServerDialect.chunks(of: insert)
        {
            statements = try parts.map(render)
        } else {
            statements = [try render(query)]
        }
        if let queryLogLevel {
            for statement in statements {
                logger.log(
                    level: queryLogLevel, "Executing query",
                    metadata: ["db.statement": "\(statement.sql)", "db.binds": "\(statement.parameters.count)"])
            }
        }
        let runAll = { @Sendable (connection: AsyncConnection, autocommit: Bool?) async throws in
            for statement in statements { try await Self.run(statement, on: connection, autocommit: autocommit, onRow) }
        }
        switch source {
        case .pool(let pool):
            try await Self.run(statements, on: pool, runAll)
        case .connection(let connection):
            try await runAll(connection, nil)
        case .borrowed(let connection, let pool):
            if connection.connection.isClosed {
                try await Self.run(statements, on: pool, runAll)
            } else {
                try await runAll(connection, nil)
            }
        case .renderOnly:
            throw DatabaseError.misuse("this SQLKit database only renders statements (DBSQLDatabase.rendering(for:))")
        }
    }

    /// Runs statements on a connection borrowed from `pool`: one in autocommit mode, several in one transaction.
    private static func run(
        _ statements: [BoundStatement], on pool: ConnectionPool,
        _ runAll: @escaping @Sendable (AsyncConnection, Bool?) async throws -> Void
    ) async throws {
        try await pool.withConnection { connection in
            guard statements.count > 1 else { return try await runAll(connection, true) }
            if connection.autocommit { try await connection.setAutocommit(false) }
            do {
                try await runAll(connection, nil)
                try await connection.commit()
            } catch {
                try? await connection.rollback()
                throw error
            }
        }
    }

    /// Runs `closure` with a database bound to one pooled connection for its whole length (on a session database,
    /// with itself).
    public func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch source {
        case .connection, .borrowed, .renderOnly:
            return try await closure(self)
        case .pool(let pool):
            let backend = self.backend, logger = self.logger, eventLoop = self.eventLoop
            let queryLogLevel = self.queryLogLevel
            return try await pool.withConnection { connection in
                if !connection.autocommit { try await connection.setAutocommit(true) }
                let session = DBSQLDatabase(
                    source: .connection(connection), backend: backend, logger: logger, eventLoop: eventLoop,
                    queryLogLevel: queryLogLevel)
                return ResultBox(try await closure(session))
            }.value
        }
    }

    /// The SQL text and parameters `query` is sent as (after the SQL Server dialect's checks and rewrites).
    public func render(_ query: any SQLExpression) throws -> BoundStatement {
        var expression = query
        let isSQLServer = dialect is SQLServerDialect
        if isSQLServer { expression = try SQLServerDialect.prepare(query) }
        let (sql, binds) = serialize(expression)
        let encoder = SQLValueEncoder()
        let parameters = try binds.map { try encoder.encode($0) }
        if isSQLServer, !(query is SQLRaw || query is SQLQueryString) {
            // The final pass's lexer pass also gives the driver the placeholders (it does not lex the text again).
            let (finished, layout) = try TSQLFinalPass.finishWithLayout(sql)
            return BoundStatement(sql: finished, parameters: parameters, layout: layout)
        }
        return BoundStatement(sql: sql, parameters: parameters)
    }

    /// Runs one statement on `connection`'s thread and hands its rows to `onRow`.
    private static func run(
        _ statement: BoundStatement, on connection: AsyncConnection, autocommit: Bool?,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) async throws {
        try await connection.withConnection { connection in
            if autocommit == true, !connection.autocommit { try connection.setAutocommit(true) }
            let cursor = try connection.cursor()
            defer { cursor.close() }
            try cursor.execute(statement)
            repeat {
                guard cursor.columns != nil else { continue }
                while let row = try cursor.fetchOne() { onRow(DBSQLRow(row)) }
                break
            } while try cursor.nextResultSet()
        }
    }
}

/// Carries a result of an unconstrained generic type out of an API that wants `Sendable` results; the value is
/// handed from the closure to its caller once and never shared between tasks.
package struct ResultBox<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}
