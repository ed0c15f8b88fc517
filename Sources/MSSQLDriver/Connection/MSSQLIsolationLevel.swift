/// SQL Server's transaction isolation levels, for ``MSSQLConnection/setIsolationLevel(_:)``.
public enum MSSQLIsolationLevel: String, Sendable, Hashable, CaseIterable {
    /// `READ UNCOMMITTED`: dirty reads allowed.
    case readUncommitted = "READ UNCOMMITTED"
    /// `READ COMMITTED`: SQL Server's default.
    case readCommitted = "READ COMMITTED"
    /// `REPEATABLE READ`.
    case repeatableRead = "REPEATABLE READ"
    /// `SNAPSHOT`: needs `ALLOW_SNAPSHOT_ISOLATION` on the database.
    case snapshot = "SNAPSHOT"
    /// `SERIALIZABLE`.
    case serializable = "SERIALIZABLE"
}
