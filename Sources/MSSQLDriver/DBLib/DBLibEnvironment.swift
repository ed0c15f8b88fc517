import CSybDB
import DBCore
import Foundation

/// DB-Library's process-wide state: `dbinit`, the error, message and interrupt handlers, and the login lock.
///
/// FreeTDS calls `exit()` when a connection fails and no error handler is installed, so ``shared`` installs the
/// handlers before any `dbopen`. The handlers are C callbacks shared by every connection; each finds its
/// connection's ``DBLibMessages`` through `dbgetuserdata`. While a login runs (no user data yet), messages go to
/// the collector of the login in progress: logins hold ``loginLock`` for the whole `dbopen`, because the login
/// timeout (`dbsetlogintime`) is process-wide and read by `dbopen`, so there is exactly one such collector.
final class DBLibEnvironment: @unchecked Sendable {
    /// The initialised environment; the first use runs `dbinit` and installs the handlers (Swift runs a `static let`
    /// initialiser once, thread-safely).
    static let shared: DBLibEnvironment = DBLibEnvironment()

    /// Held for each whole login (`dbsetlogintime` + `dbopen` + `dbsetuserdata`). Guards ``loginMessages``.
    let loginLock = NSLock()
    /// The collector of the login in progress, read by the handlers when a callback has no connection yet.
    /// Written only under ``loginLock``; read by the handlers on the thread that holds it.
    private(set) nonisolated(unsafe) var loginMessages: DBLibMessages?
    /// Whether `dbinit` succeeded.
    let initialised: Bool

    private init() {
        initialised = dbinit() == SUCCEED
        _ = dberrhandle(dblibErrorHandler)
        _ = dbmsghandle(dblibMessageHandler)
    }

    /// Runs `body` as the one login in progress, with `messages` receiving what the handlers report.
    func withLogin<T>(messages: DBLibMessages, _ body: () throws -> T) rethrows -> T {
        loginLock.lock()
        loginMessages = messages
        defer {
            loginMessages = nil
            loginLock.unlock()
        }
        return try body()
    }

    /// The collector a callback for `dbproc` reports to.
    func messages(for dbproc: OpaquePointer?) -> DBLibMessages? {
        if let dbproc, let pointer = dbgetuserdata(dbproc) {
            return Unmanaged<DBLibMessages>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
        }
        return loginMessages
    }
}

/// The process-wide DB-Library error handler: records the error on its connection and answers `INT_CANCEL`
/// (or, for the first timeout our interrupt handler raises in a call, `INT_TIMEOUT`).
private let dblibErrorHandler: EHANDLEFUNC = { dbproc, severity, dberr, _, dberrstr, oserrstr in
    let text = dberrstr.map { String(cString: $0) } ?? "DB-Library error \(dberr)"
    let osText = oserrstr.map { String(cString: $0) }
    guard let messages = DBLibEnvironment.shared.messages(for: dbproc) else { return INT_CANCEL }
    switch messages.libraryError(number: Int(dberr), severity: Int(severity), text: text, osText: osText) {
    case .cancel: return INT_CANCEL
    case .sendAttention: return INT_TIMEOUT
    }
}

/// The process-wide server message handler: errors (severity > 10) and notices go to the connection's collector.
private let dblibMessageHandler: MHANDLEFUNC = { dbproc, msgno, msgstate, severity, msgtext, srvname, proc, line in
    guard let messages = DBLibEnvironment.shared.messages(for: dbproc) else { return 0 }
    let procedure = proc.map { String(cString: $0) }
    let server = srvname.map { String(cString: $0) }
    messages.serverMessage(
        number: Int(msgno), state: Int(msgstate), severity: Int(severity),
        text: msgtext.map { String(cString: $0) } ?? "", server: server?.isEmpty == true ? nil : server,
        procedure: procedure?.isEmpty == true ? nil : procedure, line: Int(line))
    return 0
}

/// The interrupt check DB-Library calls while it waits for the server, each time `poll` has seen nothing for one
/// second (a call that keeps receiving data is not interrupted until it waits): `true` when the connection's
/// statement was cancelled or ran past its deadline, or when an attention went unacknowledged too long.
let dblibInterruptCheck: DB_DBCHKINTR_FUNC = { dbproc in
    guard let dbproc, let messages = DBLibEnvironment.shared.messages(for: OpaquePointer(dbproc)) else { return 0 }
    return messages.shouldInterrupt() ? 1 : 0
}

/// The interrupt handler: `INT_CANCEL` makes FreeTDS stop waiting and raise SYBETIME, which the error handler
/// answers with `INT_TIMEOUT` so that FreeTDS sends an attention and reads the server's acknowledgement (or, once
/// the acknowledgement is overdue, with `INT_CANCEL`, which closes the socket).
let dblibInterruptHandler: DB_DBHNDLINTR_FUNC = { _ in INT_CANCEL }
