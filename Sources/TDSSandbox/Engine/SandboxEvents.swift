import DBCore

/// A column of a result set the engine produces.
public struct ResultColumn: Sendable, Hashable {
    /// The column name (may be empty).
    public var name: String
    /// The SQL Server type the column is declared as on the wire.
    public var type: TSQLType
    /// Whether the column may hold NULL.
    public var isNullable: Bool

    /// Creates a result column.
    public init(name: String, type: TSQLType, isNullable: Bool = true) {
        self.name = name
        self.type = type
        self.isNullable = isNullable
    }
}

/// A SQL Server-style error or informational message (the ERROR and INFO tokens).
public struct SQLServerMessage: Error, Sendable, Hashable {
    /// The error number, e.g. 2627 for a duplicate key.
    public var number: Int
    /// The error state.
    public var state: Int
    /// The severity (class): 10 or below is informational (INFO token), above is an error (ERROR token).
    public var severity: Int
    /// The message text.
    public var message: String
    /// The procedure name, or empty for a batch.
    public var procedure: String
    /// The 1-based line number in the batch or procedure.
    public var line: Int

    /// Creates a message.
    public init(number: Int, state: Int = 1, severity: Int, message: String, procedure: String = "", line: Int = 1) {
        self.number = number
        self.state = state
        self.severity = severity
        self.message = message
        self.procedure = procedure
        self.line = line
    }
}

/// A parameter of an RPC request, or an OUTPUT value returned by one.
public struct RPCParameter: Sendable, Hashable {
    /// The parameter name with its `@`, or empty for a positional parameter.
    public var name: String
    /// The declared type.
    public var type: TSQLType
    /// The value (`.null` for NULL).
    public var value: SQLValue
    /// Whether it is an OUTPUT parameter (status flag fByRefValue).
    public var isOutput: Bool

    /// Creates a parameter.
    public init(name: String, type: TSQLType, value: SQLValue, isOutput: Bool = false) {
        self.name = name
        self.type = type
        self.value = value
        self.isOutput = isOutput
    }
}

/// What an engine reports while it runs a request, in order. The protocol layer turns each event into TDS tokens
/// and streams them to the client as they come, so a large result never sits in memory.
public enum SandboxEvent: Sendable {
    /// A result set starts (COLMETADATA).
    case columns([ResultColumn])
    /// One row of the current result set, one value per column (ROW / NBCROW).
    case row([SQLValue])
    /// One row of the current result set read in place from PostgreSQL's result (sent instead of ``row(_:)``
    /// only to the sandbox's own protocol layer); valid during the `emit` call only.
    case rowView(SandboxRowView)
    /// Consecutive rows of the current result set read in place (a plain SELECT's cursor batch), sent instead of
    /// one ``rowView(_:)`` per row only to the sandbox's own protocol layer; valid during the `emit` call only.
    case rowBatch(SandboxRowBatch)
    /// A statement finished (DONE, or DONEINPROC inside a procedure or RPC): its row count if it has one.
    case statementDone(rowCount: Int?, inProcedure: Bool)
    /// A message (ERROR when severity > 10, else INFO).
    case message(SQLServerMessage)
    /// An environment change (ENVCHANGE).
    case environmentChange(EnvironmentChange)
    /// The return status of a procedure or RPC (RETURNSTATUS).
    case returnStatus(Int32)
    /// An OUTPUT parameter's value (RETURNVALUE), in declaration order.
    case returnValue(RPCParameter, ordinal: Int)
}

/// The ENVCHANGE notifications the sandbox sends.
public enum EnvironmentChange: Sendable, Hashable {
    /// The current database changed.
    case database(new: String, old: String)
    /// A transaction began; the 8-byte descriptor clients echo in ALL_HEADERS.
    case beginTransaction(descriptor: UInt64)
    /// The transaction with this descriptor committed.
    case commitTransaction(descriptor: UInt64)
    /// The transaction with this descriptor rolled back.
    case rollbackTransaction(descriptor: UInt64)
}

/// The result of running a whole request.
public enum RequestOutcome: Sendable, Hashable {
    /// The request ran to its end (possibly with errors reported as events).
    case completed
    /// The request was stopped by an ATTENTION (cancel); the protocol layer acknowledges with DONE + ATTN.
    case cancelled
}

/// Runs the requests of one TDS session against PostgreSQL. One engine per client session; the protocol layer
/// calls it from one thread at a time, except ``cancel()``, which may come from any thread.
public protocol SessionEngine: AnyObject, Sendable {
    /// The current database name.
    var currentDatabase: String { get }

    /// Runs a SQL batch (several statements), reporting events through `emit` as they happen.
    /// `emit` may throw when the client has gone away; the engine must then stop and rethrow.
    func executeBatch(_ sql: String, emit: (SandboxEvent) throws -> Void) throws -> RequestOutcome

    /// Runs an RPC request: `sp_executesql`, `sp_prepare`, `sp_execute`, `sp_unprepare` (by name or by the
    /// well-known procedure id, passed as its name), or a named procedure.
    func executeRPC(
        procedure: String, parameters: [RPCParameter], emit: (SandboxEvent) throws -> Void
    ) throws -> RequestOutcome

    /// Cancels the running request (ATTENTION). Safe from any thread.
    func cancel()

    /// Closes the PostgreSQL connection. Idempotent.
    func close()
}

/// The login a client sent (LOGIN7), as the engine needs it.
public struct SandboxLogin: Sendable {
    /// The user name.
    public var user: String
    /// The password, de-obfuscated; never logged.
    public var password: Secret
    /// The database asked for, or empty for the default.
    public var database: String
    /// The client's application name.
    public var applicationName: String
    /// The client's host name.
    public var hostName: String
    /// How the connection was protected when LOGIN7 arrived (``TDSSandboxSessionEncryption/none`` without TLS).
    public var encryption: TDSSandboxSessionEncryption

    /// Creates a login.
    public init(
        user: String, password: Secret, database: String, applicationName: String, hostName: String,
        encryption: TDSSandboxSessionEncryption = .none
    ) {
        self.user = user
        self.password = password
        self.database = database
        self.applicationName = applicationName
        self.hostName = hostName
        self.encryption = encryption
    }
}

/// Opens an engine for a login; throws a ``SQLServerMessage`` (18456 for a failed login) when it cannot.
public typealias SessionEngineFactory = @Sendable (SandboxLogin) throws -> any SessionEngine
