/// The errors Azure documents as transient at connect time: retrying the connect after a moment may succeed.
///
/// - SQL Server / Azure SQL: 40613 (database not currently available), 40197 (service error, e.g. failover),
///   40501 (service busy), 49918, 49919, 49920 (cannot process request, too many operations), 4221 (login to a
///   read-secondary failed during a long wait), 10928, 10929 (resource limits), 4060 (cannot open the database,
///   as during a failover); DB-Library's network errors at connect: 20009 (unable to connect), 20003 (timed out),
///   20017 (unexpected EOF).
/// - PostgreSQL: 57P01 (admin shutdown), 57P02 (crash shutdown), 57P03 (cannot connect now: starting up, shutting
///   down, in recovery), 08001 (unable to connect: refused, unreachable, timed out), 08006 (connection failure).
///
/// Authentication failures (18456, 28P01, …) and configuration errors are never transient.
public enum TransientFault {
    /// The SQL Server (and DB-Library) numbers that are transient at connect.
    public static let sqlServerNumbers: Set<Int> = [
        40613, 40197, 40501, 49918, 49919, 49920, 4221, 10928, 10929, 4060, 20009, 20003, 20017,
    ]

    /// The PostgreSQL SQLSTATEs that are transient at connect.
    public static let sqlStates: Set<String> = ["57P01", "57P02", "57P03", "08001", "08006"]

    /// Whether a connect that failed with `error` may succeed when tried again.
    public static func isTransientAtConnect(_ error: DatabaseError) -> Bool {
        switch error.code {
        case .sqlServer(let number, _, _)?: return sqlServerNumbers.contains(number)
        case .sqlState(let state)?: return sqlStates.contains(state)
        case nil: return false
        }
    }
}
