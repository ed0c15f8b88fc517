import DBCore
import Logging
import NIOCore
import SQLKit

extension ConnectionPool {
    /// An SQLKit database over this pool: each statement borrows a connection, runs in autocommit mode and gives
    /// the connection back. The dialect follows the pool's configuration (PostgreSQL or SQL Server).
    ///
    /// - Parameters:
    ///   - logger: where statements are logged; the pool's logger when `nil`.
    ///   - eventLoop: the loop SQLKit's future-based API completes on; one of NIO's singleton group when `nil`.
    ///   - queryLogLevel: the level statements are logged at (`nil`: not logged).
    public func sql(
        logger: Logger? = nil, on eventLoop: (any EventLoop)? = nil, queryLogLevel: Logger.Level? = .debug
    ) -> DBSQLDatabase {
        DBSQLDatabase(
            source: .pool(self), backend: backend, logger: logger ?? Logger(label: "DBSQLKit"),
            eventLoop: eventLoop, queryLogLevel: queryLogLevel)
    }
}

extension AsyncConnection {
    /// An SQLKit database over this one connection: every statement runs on it, in its current transaction
    /// mode (turn autocommit on for statement-by-statement commits, off for a transaction you commit yourself).
    public func sql(
        logger: Logger = Logger(label: "DBSQLKit"), on eventLoop: (any EventLoop)? = nil,
        queryLogLevel: Logger.Level? = .debug
    ) -> DBSQLDatabase {
        DBSQLDatabase(
            source: .connection(self), backend: dialect.backend, logger: logger, eventLoop: eventLoop,
            queryLogLevel: queryLogLevel)
    }
}

extension AsyncConnection {
    /// An SQLKit database over this connection borrowed from `pool`: statements run on it while it is borrowed and
    /// through the pool (each borrowing a connection, in autocommit mode) once it has been given back.
    package func sql(
        borrowedFrom pool: ConnectionPool, logger: Logger, on eventLoop: (any EventLoop)?, queryLogLevel: Logger.Level?
    ) -> DBSQLDatabase {
        DBSQLDatabase(
            source: .borrowed(self, pool: pool), backend: dialect.backend, logger: logger, eventLoop: eventLoop,
            queryLogLevel: queryLogLevel)
    }
}
