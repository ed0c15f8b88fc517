/// An error from a database, a driver or the configuration, with the server's own code and message.
///
/// Match on ``kind`` for portable handling (the same kinds on PostgreSQL and SQL Server), and on ``code`` for the
/// native detail:
///
/// ```swift
/// do {
///     try cursor.execute("INSERT INTO inventory (id) VALUES (%s)", [1])
/// } catch let error as DatabaseError where error.kind == .uniqueViolation {
///     print(error.code)   // sqlState("23505") or sqlServer(number: 2627, state: 1, severity: 14)
/// }
/// ```
///
/// `description` is short (kind, native code, message); `debugDescription` adds every server field and the
/// statement. Neither ever contains a password or token.
public struct DatabaseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The portable category of an error.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The name of the kind, e.g. `uniqueViolation`.
        public let description: String
        private init(_ name: String) { self.description = name }

        /// The server could not be reached: refused, unreachable, unknown host, TLS failure.
        public static let connectionFailed = Kind("connectionFailed")
        /// The server rejected the login (wrong user or password, no such database for the login).
        public static let authenticationFailed = Kind("authenticationFailed")
        /// The SQL text is not valid.
        public static let syntaxError = Kind("syntaxError")
        /// A table, view or other relation does not exist.
        public static let undefinedTable = Kind("undefinedTable")
        /// A column does not exist.
        public static let undefinedColumn = Kind("undefinedColumn")
        /// A unique or primary key constraint was violated.
        public static let uniqueViolation = Kind("uniqueViolation")
        /// A foreign key constraint was violated.
        public static let foreignKeyViolation = Kind("foreignKeyViolation")
        /// NULL was written to a NOT NULL column.
        public static let notNullViolation = Kind("notNullViolation")
        /// A CHECK constraint was violated.
        public static let checkViolation = Kind("checkViolation")
        /// A value was invalid for its type: overflow, truncation, division by zero, bad format.
        public static let dataException = Kind("dataException")
        /// The server aborted the transaction to break a deadlock or serialization conflict; retrying may succeed.
        public static let transactionConflict = Kind("transactionConflict")
        /// A statement or login ran longer than its timeout.
        public static let timeout = Kind("timeout")
        /// The statement was cancelled on request.
        public static let cancelled = Kind("cancelled")
        /// The connection broke (server gone, socket closed) or was already closed.
        public static let connectionLost = Kind("connectionLost")
        /// The caller lacks a permission on the server.
        public static let permissionDenied = Kind("permissionDenied")
        /// The connection settings are malformed or inconsistent.
        public static let invalidConfiguration = Kind("invalidConfiguration")
        /// The SQL's parameter placeholders do not match the parameters given.
        public static let invalidParameters = Kind("invalidParameters")
        /// A value could not be converted to the Swift type asked for.
        public static let typeMismatch = Kind("typeMismatch")
        /// The API was misused (fetching with no result set, using a closed cursor).
        public static let misuse = Kind("misuse")
        /// The feature is not supported by this driver or server.
        public static let unsupported = Kind("unsupported")
        /// Any other server or driver error; see ``DatabaseError/code``.
        public static let other = Kind("other")
    }

    /// The native identification of an error.
    public enum Code: Hashable, Sendable, CustomStringConvertible {
        /// A PostgreSQL SQLSTATE such as `23505`.
        case sqlState(String)
        /// A SQL Server (or DB-Library) error number with its state and severity.
        case sqlServer(number: Int, state: Int, severity: Int)

        /// `SQLSTATE 23505`, or `Msg 2627, Level 14, State 1`.
        public var description: String {
            switch self {
            case .sqlState(let state): return "SQLSTATE \(state)"
            case .sqlServer(let number, let state, let severity):
                return "Msg \(number), Level \(severity), State \(state)"
            }
        }
    }

    /// The portable category.
    public var kind: Kind
    /// The native code, when the server or C library gave one.
    public var code: Code?
    /// The primary message, as the server or driver wrote it.
    public var message: String
    /// The server's detail text (PostgreSQL DETAIL), if any.
    public var detail: String?
    /// The server's hint (PostgreSQL HINT), if any.
    public var hint: String?
    /// The server that reported the error (SQL Server's server name), if known.
    public var serverName: String?
    /// The procedure in which the error was raised (SQL Server), if any.
    public var procedure: String?
    /// The line in the batch or procedure (SQL Server), or the 1-based character position (PostgreSQL), if known.
    public var line: Int?
    /// The table the error concerns (PostgreSQL), if any.
    public var table: String?
    /// The column the error concerns (PostgreSQL), if any.
    public var column: String?
    /// The constraint the error concerns (PostgreSQL), if any.
    public var constraint: String?
    /// The SQL statement that failed, as sent to the server (with placeholders; never parameter values).
    public var statement: String?

    /// Creates an error.
    public init(
        kind: Kind, code: Code? = nil, message: String, detail: String? = nil, hint: String? = nil,
        serverName: String? = nil, procedure: String? = nil, line: Int? = nil, table: String? = nil,
        column: String? = nil, constraint: String? = nil, statement: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.serverName = serverName
        self.procedure = procedure
        self.line = line
        self.table = table
        self.column = column
        self.constraint = constraint
        self.statement = statement
    }

    /// The PostgreSQL SQLSTATE, if this is a PostgreSQL error.
    public var sqlState: String? {
        if case .sqlState(let state) = code { return state }
        return nil
    }

    /// The SQL Server error number, if this is a SQL Server error.
    public var number: Int? {
        if case .sqlServer(let number, _, _) = code { return number }
        return nil
    }

    /// The SQL Server severity, if this is a SQL Server error.
    public var severity: Int? {
        if case .sqlServer(_, _, let severity) = code { return severity }
        return nil
    }

    /// The SQL Server state, if this is a SQL Server error.
    public var state: Int? {
        if case .sqlServer(_, let state, _) = code { return state }
        return nil
    }

    /// Short: the kind, the native code and the message.
    public var description: String {
        var text = "\(kind)"
        if let code { text += " (\(code))" }
        return text + ": " + message
    }

    /// Everything known about the error, the statement included.
    public var debugDescription: String {
        var parts = [description]
        if let detail { parts.append("detail: \(detail)") }
        if let hint { parts.append("hint: \(hint)") }
        if let serverName { parts.append("server: \(serverName)") }
        if let procedure { parts.append("procedure: \(procedure)") }
        if let line { parts.append("line: \(line)") }
        if let table { parts.append("table: \(table)") }
        if let column { parts.append("column: \(column)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        if let statement { parts.append("statement: \(statement)") }
        return parts.joined(separator: "; ")
    }
}

extension DatabaseError {
    /// A misuse of the API, such as fetching when no statement produced rows.
    public static func misuse(_ message: String) -> DatabaseError {
        DatabaseError(kind: .misuse, message: message)
    }

    /// A malformed or inconsistent configuration; `message` names the bad key or character.
    public static func invalidConfiguration(_ message: String) -> DatabaseError {
        DatabaseError(kind: .invalidConfiguration, message: message)
    }

    /// A value that cannot become the Swift type asked for.
    public static func typeMismatch(_ message: String) -> DatabaseError {
        DatabaseError(kind: .typeMismatch, message: message)
    }
}
