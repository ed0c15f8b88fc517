import DBCore
import Foundation

/// A ``SessionEngine`` that runs T-SQL on PostgreSQL: it translates each batch (or RPC statement) with the
/// sandbox's translator, runs it on one autocommit PostgreSQL connection and reports SQL Server-style events.
/// Transactions follow T-SQL rules (`@@TRANCOUNT`, savepoints, `XACT_ABORT`, implicit transactions) on top of
/// explicit `BEGIN`/`COMMIT`/`SAVEPOINT` statements.
///
/// The protocol layer calls one request at a time; only ``cancel()`` comes from other threads. The mutable
/// session state is therefore touched by one thread at a time, and the connection (itself `Sendable`) is read
/// under a lock so that `cancel()` and `USE` never race; that is why the class is `@unchecked Sendable`.
public final class PostgresSessionEngine: SessionEngine, @unchecked Sendable {
    /// Opens a PostgreSQL connection to the named database (`nil`: the login's default).
    typealias Connector = @Sendable (_ database: String?) throws -> any DatabaseConnection

    private let lock = NSLock()
    private var _connection: any DatabaseConnection
    private var _cancelRequested = false
    private let connector: Connector
    /// The session's T-SQL state (options, transaction, prepared statements, catalog cache).
    var state: SessionState
    /// Whether result rows go out as ``SandboxEvent/rowView(_:)`` (read in place from PostgreSQL's result) instead
    /// of ``SandboxEvent/row(_:)``: set by the sandbox's protocol layer, which encodes them during `emit`.
    var emitsRowViews = false
    /// Whether a plain SELECT without parameters reads its rows through a PostgreSQL cursor, many rows per
    /// `FETCH` (see ``runBatchedSelect(_:on:emit:)``), instead of libpq's single-row mode. On by default; the
    /// tests turn it off to compare both paths.
    var fetchesInBatches = true
    /// Parsed declarations and translations of the parameterized statements this session ran.
    var translations = StatementTranslationCache()

    /// The PostgreSQL connection the session runs on.
    var connection: any DatabaseConnection {
        lock.lock()
        defer { lock.unlock() }
        return _connection
    }

    /// Whether ``cancel()`` was called since the current request started.
    var cancelRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return _cancelRequested
    }

    /// The current database name.
    public var currentDatabase: String { state.database }

    /// Creates an engine on an open connection; prepares the connection (autocommit, sandbox catalog).
    init(connection: any DatabaseConnection, database: String, connector: @escaping Connector) throws {
        self._connection = connection
        self.connector = connector
        self.state = SessionState(database: database)
        try Self.prepareSession(connection)
    }

    /// Autocommit, the sandbox catalog, UTC (as Azure SQL's GETDATE()) and the sandbox's operators on the path.
    static func prepareSession(_ connection: any DatabaseConnection) throws {
        try connection.setAutocommit(true)
        try SandboxCatalog.ensureInstalled(on: connection)
        let cursor = try connection.cursor()
        defer { cursor.close() }
        try cursor.execute("SET TimeZone = 'UTC'")
        try cursor.execute("SET search_path = \"$user\", public, tds_sandbox")
    }

    /// A factory that opens, for each login, a PostgreSQL connection with the login's user and password (replacing
    /// those of `postgres`) to `login.database` (or the configuration's database when the login names none).
    /// A failed connection becomes SQL Server's error 18456 (`Login failed for user '…'.`).
    public static func makeFactory(postgres: ConnectionConfiguration) -> SessionEngineFactory {
        makeFactory(postgres: postgres, connect: openPostgresConnection)
    }

    /// ``makeFactory(postgres:)`` with the way to open a connection given (tests, other drivers).
    static func makeFactory(
        postgres: ConnectionConfiguration,
        connect: @escaping @Sendable (ConnectionConfiguration) throws -> any DatabaseConnection
    ) -> SessionEngineFactory {
        return { login in
            var configuration = postgres
            configuration.user = login.user
            configuration.password = login.password
            let systemAlias = Self.systemDatabaseAlias(login.database)
            if !login.database.isEmpty, systemAlias == nil { configuration.database = login.database }
            if !login.applicationName.isEmpty { configuration.applicationName = login.applicationName }
            let base = configuration
            let connector: Connector = { database in
                var target = base
                if let database { target.database = database }
                return try connect(target)
            }
            let loginFailed = SQLServerMessage(
                number: 18456, state: 1, severity: 14, message: "Login failed for user '\(login.user)'.")
            let connection: any DatabaseConnection
            do {
                connection = try connector(nil)
            } catch let error as DatabaseError
                where error.message.contains("database \"")
                && error.message.contains("does not exist")
            {
                let name = configuration.database ?? ""
                throw SQLServerMessage(
                    number: 4060, state: 1, severity: 11,
                    message: "Cannot open database \"\(name)\" requested by the login. The login failed.")
            } catch {
                throw loginFailed
            }
            do {
                let database = try systemAlias ?? Self.currentDatabaseName(on: connection)
                return try PostgresSessionEngine(connection: connection, database: database, connector: connector)
            } catch {
                connection.close()
                throw SQLServerMessage(
                    number: 4060, state: 1, severity: 11,
                    message: "Cannot open the session's database: \((error as? DatabaseError)?.message ?? "\(error)")")
            }
        }
    }

    static func currentDatabaseName(on connection: any DatabaseConnection) throws -> String {
        let rows = try connection.query(SQLQuery(stringLiteral: "SELECT current_database()"))
        if case .string(let name)? = rows.first?.values.first { return name }
        return ""
    }

    /// Cancels the running request: PostgreSQL's cancel for the running statement, and a flag that stops the
    /// batch before its next statement.
    public func cancel() {
        lock.lock()
        _cancelRequested = true
        let connection = _connection
        lock.unlock()
        connection.cancel()
    }

    /// Closes the PostgreSQL connection (the server rolls back an open transaction). Idempotent.
    public func close() {
        connection.close()
    }

    /// Starts a request: forgets an earlier cancel.
    func beginRequest() {
        lock.lock()
        _cancelRequested = false
        lock.unlock()
        state.tryDepth = 0
    }

    /// Switches to another database (`USE`): opens a connection to it and closes the current one.
    func switchDatabase(to name: String) throws {
        let alias = Self.systemDatabaseAlias(name)
        let newConnection = try connector(alias == nil ? name : nil)
        do {
            try Self.prepareSession(newConnection)
        } catch {
            newConnection.close()
            throw error
        }
        lock.lock()
        let old = _connection
        _connection = newConnection
        lock.unlock()
        old.close()
        state.database = alias ?? (try? Self.currentDatabaseName(on: newConnection)) ?? name
        state.catalog = CatalogCache()
    }
}
