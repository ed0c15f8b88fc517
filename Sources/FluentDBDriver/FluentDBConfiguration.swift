import DBCore
import DBSQLKit
import FluentKit
import Logging

/// A Fluent database configuration over DBCore: a ``DBCore/ConnectionPool`` of PGDriver or MSSQLDriver
/// connections, used through ``DBSQLKit``'s SQLKit database and FluentSQL's query converter.
///
/// ```swift
/// app.databases.use(.sqlServer(configuration: config, driver: MSSQLDriver()), as: .sqlServer)
/// app.databases.use(.postgres(configuration: config, driver: PGDriver()), as: .postgresql)
/// ```
public struct FluentDBConfiguration: DatabaseConfiguration {
    /// Model middleware Fluent runs for this database.
    public var middleware: [any AnyModelMiddleware] = []
    let makePool: @Sendable () -> (pool: ConnectionPool, owned: Bool)
    let sqlLogLevel: Logger.Level?

    /// Makes the driver (and, unless a pool was handed in, the pool) when Fluent starts using the database.
    public func makeDriver(for databases: Databases) -> any FluentKit.DatabaseDriver {
        let (pool, owned) = makePool()
        return FluentDBDriver(pool: pool, ownsPool: owned, sqlLogLevel: sqlLogLevel)
    }
}

extension DatabaseConfigurationFactory {
    /// SQL Server or Azure SQL through DBCore's SQL Server driver (pass `MSSQLDriver()`), over a pool of its own
    /// that the application's shutdown closes.
    ///
    /// - Parameters:
    ///   - configuration: where to connect (host, database, user, password, TLS, …).
    ///   - driver: the DBCore driver, `MSSQLDriver()`.
    ///   - pool: the pool's size and timeouts.
    ///   - sqlLogLevel: the level statements are logged at (`nil`: not logged); values are never logged.
    public static func sqlServer(
        configuration: ConnectionConfiguration, driver: any DBCore.DatabaseDriver, pool: PoolConfiguration = .default,
        sqlLogLevel: Logger.Level? = .debug
    ) -> Self {
        var configuration = configuration
        configuration.backend = .sqlServer
        return .dbCore(configuration: configuration, driver: driver, pool: pool, sqlLogLevel: sqlLogLevel)
    }

    /// PostgreSQL or Azure Database for PostgreSQL through DBCore's PostgreSQL driver (pass `PGDriver()`), over a
    /// pool of its own that the application's shutdown closes.
    public static func postgres(
        configuration: ConnectionConfiguration, driver: any DBCore.DatabaseDriver, pool: PoolConfiguration = .default,
        sqlLogLevel: Logger.Level? = .debug
    ) -> Self {
        var configuration = configuration
        configuration.backend = .postgresql
        return .dbCore(configuration: configuration, driver: driver, pool: pool, sqlLogLevel: sqlLogLevel)
    }

    /// Either database through any DBCore driver, over a pool of its own.
    public static func dbCore(
        configuration: ConnectionConfiguration, driver: any DBCore.DatabaseDriver, pool: PoolConfiguration = .default,
        sqlLogLevel: Logger.Level? = .debug
    ) -> Self {
        .init(make: {
            FluentDBConfiguration(
                makePool: { (ConnectionPool(driver: driver, configuration: configuration, settings: pool), true) },
                sqlLogLevel: sqlLogLevel)
        })
    }

    /// Either database over a pool the application already has (and closes itself), e.g. one shared with
    /// hand-written DBCore code.
    public static func dbCore(pool: ConnectionPool, sqlLogLevel: Logger.Level? = .debug) -> Self {
        .init(make: { FluentDBConfiguration(makePool: { (pool, false) }, sqlLogLevel: sqlLogLevel) })
    }
}

extension DatabaseID {
    /// The conventional ID for a SQL Server database.
    public static var sqlServer: DatabaseID { .init(string: "sqlserver") }
    /// The conventional ID for a PostgreSQL database through this package (Vapor's own driver uses `.psql`).
    public static var postgresql: DatabaseID { .init(string: "postgresql") }
}
