/// A database connection for async code, over either driver.
///
/// Every blocking call of the underlying ``DatabaseConnection`` runs on the connection's own
/// ``ConnectionThread``, never on Swift's cooperative thread pool; the calling task suspends meanwhile. Cancelling
/// the task cancels the running statement on the server (``DatabaseConnection/cancel()``): the call throws
/// ``DatabaseError/Kind/cancelled`` and the connection stays usable (roll back if a transaction was open).
///
/// ```swift
/// let connection = try await AsyncConnection.connect(configuration, driver: PGDriver())
/// try await connection.execute("INSERT INTO inventory (name, quantity) VALUES (\(bind: "banana"), \(bind: 150))")
/// try await connection.commit()
/// for try await row in connection.rows("SELECT name, quantity FROM inventory") {
///     print(try row.get(String.self, "name"))
/// }
/// ```
///
/// Calls are serialised in the order they are made: one statement runs at a time.
public final class AsyncConnection: Sendable {
    /// The synchronous connection underneath. Using it directly from async code blocks a thread; prefer
    /// ``withConnection(isolation:_:)``, which runs on the connection's thread.
    public let connection: any DatabaseConnection
    /// The thread that runs the connection's calls.
    public let thread: ConnectionThread
    private let ownsThread: Bool

    /// Wraps an open connection; its calls run on `thread` (a new thread, stopped when this object goes away,
    /// when none is given).
    public init(_ connection: any DatabaseConnection, thread: ConnectionThread? = nil) {
        self.connection = connection
        self.thread = thread ?? ConnectionThread()
        self.ownsThread = thread == nil
    }

    deinit {
        if ownsThread { thread.stop() }
    }

    /// Opens a connection with `driver` on a new dedicated thread.
    public static func connect(
        _ configuration: ConnectionConfiguration, driver: any DatabaseDriver,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> AsyncConnection {
        let thread = ConnectionThread()
        do {
            let connection = try await thread.run { try driver.connect(configuration) }
            return AsyncConnection(connection, thread: thread, ownsThread: true)
        } catch {
            thread.stop()
            throw error
        }
    }

    private init(_ connection: any DatabaseConnection, thread: ConnectionThread, ownsThread: Bool) {
        self.connection = connection
        self.thread = thread
        self.ownsThread = ownsThread
    }

    /// The database family.
    public var dialect: SQLDialect { connection.dialect }

    /// Runs `body` with the synchronous connection on the connection's thread: the way to use driver-specific
    /// API (`connection as? PGConnection`) or several calls in one hop. Cancelling the task cancels the running
    /// statement.
    public func withConnection<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: @escaping @Sendable (any DatabaseConnection) throws -> T
    ) async throws -> T {
        let connection = self.connection
        return try await thread.runCancellable(on: connection) { try body(connection) }
    }

    /// Runs a statement and returns its affected-row count (`-1` when unknown). Rows it returns are discarded.
    @discardableResult
    public func execute(_ query: SQLQuery, isolation: isolated (any Actor)? = #isolation) async throws -> Int {
        let statement = query.bound(for: dialect)
        return try await execute(statement)
    }

    /// Runs SQL with DB-API `%s` placeholders, each taking the next value; returns the affected-row count.
    @discardableResult
    public func execute(
        _ sql: String, _ parameters: [(any SQLValueEncodable)?] = [], isolation: isolated (any Actor)? = #isolation
    ) async throws -> Int {
        let statement = try bind(sql, parameters)
        return try await execute(statement)
    }

    /// Runs a statement in the driver's native placeholder syntax; returns the affected-row count.
    @discardableResult
    public func execute(_ statement: BoundStatement, isolation: isolated (any Actor)? = #isolation) async throws -> Int
    {
        try await withConnection { connection in
            let cursor = try connection.cursor()
            defer { cursor.close() }
            try cursor.execute(statement)
            return cursor.rowCount
        }
    }

    /// Runs a query and returns all rows of its first result set.
    public func query(_ query: SQLQuery, isolation: isolated (any Actor)? = #isolation) async throws -> [Row] {
        let statement = query.bound(for: dialect)
        return try await fetchAll(statement)
    }

    /// Runs SQL with `%s` placeholders and returns all rows of its first result set.
    public func query(
        _ sql: String, _ parameters: [(any SQLValueEncodable)?] = [], isolation: isolated (any Actor)? = #isolation
    ) async throws -> [Row] {
        let statement = try bind(sql, parameters)
        return try await fetchAll(statement)
    }

    /// Runs a query and returns its first row, or `nil` when it returned none.
    public func queryFirst(_ query: SQLQuery, isolation: isolated (any Actor)? = #isolation) async throws -> Row? {
        let statement = query.bound(for: dialect)
        return try await withConnection { connection in
            let cursor = try connection.cursor()
            defer { cursor.close() }
            try cursor.execute(statement)
            return cursor.columns == nil ? nil : try cursor.fetchOne()
        }
    }

    /// Runs a query and decodes each row of its first result set as `T`, by column name.
    public func query<T: Decodable & Sendable>(
        _ query: SQLQuery, as type: T.Type, isolation: isolated (any Actor)? = #isolation
    ) async throws -> [T] {
        try await self.query(query).map { try $0.decode(T.self) }
    }

    private func fetchAll(_ statement: BoundStatement) async throws -> [Row] {
        try await withConnection { connection in
            let cursor = try connection.cursor()
            defer { cursor.close() }
            try cursor.execute(statement)
            return cursor.columns == nil ? [] : try cursor.fetchAll()
        }
    }

    private func bind(_ sql: String, _ parameters: [(any SQLValueEncodable)?]) throws -> BoundStatement {
        if parameters.isEmpty { return BoundStatement(sql: sql) }
        return try PlaceholderLexer.bind(sql, positional: parameters.map { $0?.sqlValue ?? .null }, dialect: dialect)
    }
}
