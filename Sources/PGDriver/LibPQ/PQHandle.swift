import CLibPQ
import DBCore
import Foundation

/// libpq's transaction states (`PQtransactionStatus`).
enum PQTransactionState {
    /// No transaction is open.
    case idle
    /// A command is in progress.
    case busy
    /// A transaction is open and healthy.
    case open
    /// A transaction is open and a statement in it failed: only ROLLBACK helps.
    case failed
    /// The connection is bad or closed.
    case unknown
}

/// Owns one libpq connection (`PGconn`), its cancel object (`PGcancel`) and its notice collector.
///
/// Not thread-safe by itself: ``PGConnection`` calls every method under its lock, except ``cancel()``, which
/// libpq allows from any thread and which is guarded here by a lock of its own (so ``finish()`` cannot free the
/// cancel object while a cancel request uses it).
final class PQHandle {
    private(set) var connection: OpaquePointer?
    private var cancelObject: OpaquePointer?
    private let cancelLock = NSLock()
    /// The notices received; kept alive as long as the connection (libpq holds a raw pointer to it).
    let notices = PQNoticeCollector()
    /// A result wrapper no one else holds, which ``nextResult()`` fills with the next result instead of allocating
    /// one (``PGConnection/run(_:streaming:reusing:)`` sets it for a statement and drops it afterwards).
    var spareResult: PQResult?

    private init(connection: OpaquePointer) {
        self.connection = connection
        self.cancelObject = PQgetCancel(connection)
        notices.install(on: connection)
    }

    deinit { finish() }

    /// Opens a connection; throws `.connectionFailed` or `.authenticationFailed` with libpq's message, from which
    /// the password is removed should it ever appear.
    static func connect(_ configuration: ConnectionConfiguration) throws -> PQHandle {
        try configuration.checkNoNULCharacters()
        let pairs = PQConnectParameters.pairs(configuration)
        let connection = PQConnectParameters.withCArrays(pairs) { keywords, values in
            PQconnectdbParams(keywords, values, 0)
        }
        guard let connection else {
            throw DatabaseError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            var message = PQerrorMessage(connection).map { String(cString: $0) } ?? "connection failed"
            PQfinish(connection)
            message = message.trimmingTrailingNewlines()
            if let password = configuration.password?.revealed, password.count >= 4 {
                message = message.replacingOccurrences(of: password, with: "********")
            }
            throw DatabaseError(
                kind: PQErrorMapping.connectFailureKind(message: message),
                code: PQErrorMapping.connectSQLState(message: message).map(DatabaseError.Code.sqlState),
                message: message)
        }
        return PQHandle(connection: connection)
    }

    /// Whether the connection is open and healthy (no round trip).
    var isHealthy: Bool {
        guard let connection else { return false }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Whether a transaction is open, and in which state.
    var transactionState: PQTransactionState {
        guard let connection else { return .unknown }
        switch PQtransactionStatus(connection) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_ACTIVE: return .busy
        case PQTRANS_INTRANS: return .open
        case PQTRANS_INERROR: return .failed
        default: return .unknown
        }
    }

    /// libpq's last error message for the connection.
    var errorMessage: String {
        guard let connection else { return "the connection is closed" }
        return (PQerrorMessage(connection).map { String(cString: $0) } ?? "").trimmingTrailingNewlines()
    }

    /// The error for a failed send or a missing result: `.connectionLost` when the connection broke.
    func clientError(statement: String?) -> DatabaseError {
        DatabaseError(kind: isHealthy ? .other : .connectionLost, message: errorMessage, statement: statement)
    }

    /// Sends `sql` with the simple query protocol (several statements allowed; text results).
    func sendSimple(_ sql: String) throws {
        guard let connection else { throw PQHandle.closedError }
        try DatabaseError.checkNoNUL(in: sql, what: "the SQL text", statement: sql)
        guard PQsendQuery(connection, sql) == 1 else { throw clientError(statement: sql) }
    }

    /// Sends `sql` with the extended protocol: one statement, parameters apart from the SQL, binary results.
    func sendParameterized(_ sql: String, _ parameters: PQParameters) throws {
        guard let connection else { throw PQHandle.closedError }
        try DatabaseError.checkNoNUL(in: sql, what: "the SQL text", statement: sql)
        // `withCString`, not the implicit conversion, which copies the text into a new array on every call.
        // The count and types read outside the closures, which then capture one array, not all three.
        let count = Int32(parameters.count)
        let types = parameters.types
        let sent = sql.withCString { sql in
            parameters.withArrays { values, lengths, formats in
                PQsendQueryParams(connection, sql, count, types, values, lengths, formats, 1)
            }
        }
        guard sent == 1 else { throw clientError(statement: sql) }
    }

    /// Asks for the rows of the query just sent one at a time (`PQsetSingleRowMode`).
    func enableSingleRowMode() -> Bool {
        guard let connection else { return false }
        return PQsetSingleRowMode(connection) == 1
    }

    /// The next result of the query in flight, or `nil` when all have arrived. COPY is not supported: COPY FROM
    /// STDIN is refused (the server then reports an error) and COPY TO STDOUT data is read and dropped.
    func nextResult() -> PQResult? {
        guard let connection else { return nil }
        while let pointer = PQgetResult(connection) {
            let status = PQresultStatus(pointer)
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT {
                PQHandle.skipCopy(connection, pointer, status)
                continue
            }
            // The spare wrapper moved out and back (no retain and release); the COPY handling out of line (its
            // `inout` buffer cost a stack protector on every call).
            if let spare = spareResult.take() {
                spare.adopt(pointer, status: status)
                return spare
            }
            return PQResult(pointer, status: status)
        }
        return nil
    }

    /// Refuses COPY FROM STDIN (the server then reports an error) or reads and drops COPY TO STDOUT data, then
    /// frees the COPY result `pointer`.
    @inline(never)
    private static func skipCopy(_ connection: OpaquePointer, _ pointer: OpaquePointer, _ status: ExecStatusType) {
        if status == PGRES_COPY_IN {
            _ = PQputCopyEnd(connection, "COPY FROM STDIN is not supported by PGDriver")
        } else {
            var buffer: UnsafeMutablePointer<CChar>?
            while PQgetCopyData(connection, &buffer, 0) > 0 {
                PQfreemem(buffer)
                buffer = nil
            }
        }
        PQclear(pointer)
    }

    /// Runs a statement without parameters and returns its last result (for BEGIN/COMMIT/ROLLBACK/SELECT 1).
    func exec(_ sql: String) -> PQResult? {
        guard let connection else { return nil }
        return PQexec(connection, sql).map(PQResult.init)
    }

    /// Sends a cancel request for the statement running now, from any thread. Returns libpq's error text when
    /// the request could not be sent.
    @discardableResult
    func cancel() -> String? {
        cancelLock.lock()
        defer { cancelLock.unlock() }
        guard let cancelObject else { return "the connection is closed" }
        var buffer = [CChar](repeating: 0, count: 256)
        let sent = PQcancel(cancelObject, &buffer, Int32(buffer.count))
        return sent == 1
            ? nil : String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Closes the connection and frees the cancel object. Idempotent.
    func finish() {
        cancelLock.lock()
        if let cancelObject { PQfreeCancel(cancelObject) }
        cancelObject = nil
        cancelLock.unlock()
        if let connection { PQfinish(connection) }
        connection = nil
    }

    static let closedError = DatabaseError(kind: .connectionLost, message: "the connection is closed")
}
