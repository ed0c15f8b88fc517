import Logging
import Synchronization

/// The process-wide registry of pools, one per database: the same driver, configuration and credential always
/// give the same ``ConnectionPool``, so code anywhere in the process shares connections without passing a pool
/// around (as mssql-python's and ODBC's process-wide pooling do).
///
/// ```swift
/// PoolConfiguration.default.maximumSize = 20              // defaults for every pool, in one place
/// let orders = ConnectionPools.pool(driver: PGDriver(), configuration: ordersDB)
/// let billing = ConnectionPools.pool(driver: MSSQLDriver(), configuration: billingDB) { $0.maximumSize = 4 }
/// ```
public enum ConnectionPools {
    /// What identifies a pool: the driver's type, the whole configuration (password included, so two logins
    /// never share connections) and the credential object.
    struct Key: Hashable {
        let driver: ObjectIdentifier
        let configuration: ConnectionConfiguration
        let credential: ObjectIdentifier?
        let scopes: [String]?
    }

    private static let pools = Mutex<[Key: ConnectionPool]>([:])

    /// The pool for this database, created on first request from ``PoolConfiguration/default`` changed by the
    /// configuration's ``ConnectionConfiguration/pooling`` (a connection string's `Max Pool Size`, `Min Pool Size`,
    /// `Connection Lifetime`, `Pooling`) and then by `configure` (which later requests for the same key do not
    /// run).
    public static func pool(
        driver: any DatabaseDriver, configuration: ConnectionConfiguration, credential: (any TokenCredential)? = nil,
        scopes: [String]? = nil, logger: Logger = Logger(label: "DBCore.ConnectionPool"),
        configure: (inout PoolConfiguration) -> Void = { _ in }
    ) -> ConnectionPool {
        let key = Key(
            driver: ObjectIdentifier(type(of: driver)), configuration: configuration,
            credential: credential.map { ObjectIdentifier($0) }, scopes: scopes)
        return pools.withLock { pools in
            if let pool = pools[key], !pool.isClosed { return pool }
            var settings = configuration.pooling.applied(to: PoolConfiguration.default)
            configure(&settings)
            let pool = ConnectionPool(
                driver: driver, configuration: configuration, credential: credential, scopes: scopes,
                settings: settings, logger: logger)
            pools[key] = pool
            return pool
        }
    }

    /// Every open pool in the registry.
    public static var all: [ConnectionPool] {
        pools.withLock { Array($0.values.filter { !$0.isClosed }) }
    }

    /// Closes and forgets every pool in the registry (e.g. at shutdown).
    public static func closeAll() {
        let closing = pools.withLock { pools in
            defer { pools.removeAll() }
            return Array(pools.values)
        }
        for pool in closing { pool.close() }
    }

    /// Closes and forgets the pool for this driver, configuration and credential, if there is one.
    public static func close(
        driver: any DatabaseDriver, configuration: ConnectionConfiguration, credential: (any TokenCredential)? = nil,
        scopes: [String]? = nil
    ) {
        let key = Key(
            driver: ObjectIdentifier(type(of: driver)), configuration: configuration,
            credential: credential.map { ObjectIdentifier($0) }, scopes: scopes)
        pools.withLock { $0.removeValue(forKey: key) }?.close()
    }
}
