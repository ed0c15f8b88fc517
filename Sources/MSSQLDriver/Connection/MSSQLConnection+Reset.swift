import DBCore
import Synchronization

extension MSSQLConnection {
    /// Returns the session to a fresh connection's state for the next user of a pooled connection.
    ///
    /// Rolls back any open transaction, then calls `sp_reset_connection` as an RPC (SQL Server drops temporary
    /// tables, closes cursors and restores the login's `SET` options). Where the server has no such procedure
    /// (the TDS sandbox, some TDS servers) the call fails once per server and is not tried again; either way the
    /// session `SET`s of ``connect(_:)`` (`TEXTSIZE`, the ANSI options, `IMPLICIT_TRANSACTIONS ON`) and `READ
    /// COMMITTED` isolation, `NOCOUNT OFF` and `XACT_ABORT OFF` are set again, and autocommit is off, as on a new
    /// connection. (Without `sp_reset_connection`, temporary tables stay until the session ends.)
    ///
    /// `sp_reset_connection` also drops the session's prepared statements (a handle prepared before it is unknown
    /// after it, error 8179, and may be handed out again), so the automatic prepared-statement cache is emptied
    /// with it; where the server has no such procedure the handles stay valid and so does the cache.
    public func resetSession() throws {
        try rollback()
        let server = MSSQLConnection.resetKey(configuration)
        if MSSQLConnection.serversWithoutReset.withLock({ !$0.contains(server) }) {
            do {
                _ = try callProcedure("sp_reset_connection", parameters: [])
            } catch let error as DatabaseError where error.kind != .connectionLost && isAlive {
                MSSQLConnection.serversWithoutReset.withLock { _ = $0.insert(server) }
            }
        }
        try runCommand(
            MSSQLConnection.sessionSetup
                + "; SET NOCOUNT OFF; SET XACT_ABORT OFF; SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        if autocommit { try setAutocommit(false) }
    }

    /// Servers (host, port, instance) that answered `sp_reset_connection` with an error.
    private static let serversWithoutReset = Mutex<Set<String>>([])

    private static func resetKey(_ configuration: ConnectionConfiguration) -> String {
        "\(configuration.host):\(configuration.port ?? 1433)/\(configuration.instanceName ?? "")"
    }
}
