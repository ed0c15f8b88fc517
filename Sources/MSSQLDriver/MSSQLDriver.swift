import DBCore

/// Opens SQL Server connections through FreeTDS DB-Library.
///
/// ```swift
/// let driver = MSSQLDriver()
/// let connection = try driver.connect(ConnectionConfiguration(host: "localhost", user: "sa", password: "…"))
/// ```
public struct MSSQLDriver: DatabaseDriver {
    /// Creates the driver.
    public init() {}

    /// Always `DatabaseBackend.sqlServer`.
    public var backend: DatabaseBackend { .sqlServer }

    /// Opens a connection; see ``MSSQLConnection/connect(_:)``.
    public func connect(_ configuration: ConnectionConfiguration) throws -> any DatabaseConnection {
        try MSSQLConnection.connect(configuration)
    }
}
