import DBCore
import Foundation

/// Collects what DB-Library's process-wide error and message handlers report for one connection, and carries the
/// flags its interrupt handler reads (a cancel request, a statement deadline).
///
/// The handlers run on whichever thread is inside a DB-Library call for the connection; ``requestCancel()`` runs on
/// any thread. Every field is guarded by `lock`, which makes the `@unchecked Sendable` safe.
///
/// A cancel belongs to the statement in flight: one whose request went out (``beginStatement()``) and whose end
/// the driver has not yet read or discarded (``endStatement()``). It is kept across the statement's calls, so a
/// cancel that arrives between two of them (after `dbsqlok` returned the first result, between two rows, while the
/// caller has not fetched yet) stops the statement's next call. A cancel while no statement is in flight is
/// dropped, as libpq's `PQcancel` (psycopg) and DB-Library's `dbcancel` (pymssql) drop one on an idle connection:
/// it never carries over to a statement that starts later.
final class DBLibMessages: @unchecked Sendable {
    /// Why a running statement is being interrupted.
    enum Interruption: Sendable {
        case cancel
        case timeout
    }

    /// How long the server has to acknowledge an attention before the socket is given up.
    static let attentionAcknowledgementTimeout: Duration = .seconds(10)
    /// ``attentionAcknowledgementTimeout`` in nanoseconds.
    private static let attentionAcknowledgementNanoseconds = MonotonicTime.nanoseconds(attentionAcknowledgementTimeout)

    private let lock = NSLock()
    // Every field below is read and written only while `lock` is held, so two accesses never overlap: the
    // dynamic exclusivity checks (`swift_beginAccess`, several per DB-Library wait) are left out.
    @exclusivity(unchecked) private var errors: [DatabaseError] = []
    @exclusivity(unchecked) private var notices: [DatabaseNotice] = []
    /// A DB-Library call that may wait on the server is running (``beginWaiting(timeout:startingStatement:)`` …
    /// ``endWaiting(failed:)``).
    @exclusivity(unchecked) private var callRunning = false
    /// A statement was sent and its results are not all read or discarded.
    @exclusivity(unchecked) private var statementInFlight = false
    @exclusivity(unchecked) private var cancelRequested = false
    /// The query deadline and the time the attention went out, in ``MonotonicTime`` nanoseconds: plain integers,
    /// where `ContinuousClock.Instant?` (a resilient type) cost value-witness calls on every wait.
    @exclusivity(unchecked) private var deadline: UInt64?
    @exclusivity(unchecked) private var interruption: Interruption?
    @exclusivity(unchecked) private var attentionSentAt: UInt64?
    /// Server message numbers reported as notices only while logging in, then dropped (database and language
    /// changes, 5701 and 5703).
    private let loginNoise: Set<Int> = [5701, 5703]
    @exclusivity(unchecked) private var loggingIn = false

    /// Stops dropping login noise once the login is done.
    func setLoggingIn(_ value: Bool) {
        lock.withLock { loggingIn = value }
    }

    /// Records a server message: severity above 10 is an error, the rest a notice.
    func serverMessage(
        number: Int, state: Int, severity: Int, text: String, server: String?, procedure: String?, line: Int
    ) {
        lock.withLock {
            if severity > 10 {
                errors.append(
                    DatabaseError(
                        kind: MSSQLErrorMapping.kind(serverNumber: number, message: text),
                        code: .sqlServer(number: number, state: state, severity: severity), message: text,
                        serverName: server, procedure: procedure, line: line > 0 ? line : nil))
            } else if !(loggingIn && loginNoise.contains(number)) {
                notices.append(
                    DatabaseNotice(
                        severity: String(severity), code: .sqlServer(number: number, state: state, severity: severity),
                        message: text))
            }
        }
    }

    /// Records a DB-Library error and returns what the error handler must answer (`INT_CANCEL`, `INT_TIMEOUT`, as
    /// ``DBLibErrorAnswer``).
    ///
    /// During a call, SYBETIME only comes from our interrupt handler (no `dbsettime` is set): the first one sends
    /// the attention (`INT_TIMEOUT`); a later one means the acknowledgement did not come within
    /// ``attentionAcknowledgementTimeout`` and the socket is given up (`INT_CANCEL`). `INT_CONTINUE` is never
    /// answered: with Microsoft semantics (`dbopen` as `tdsdbopen(…, 1)`) FreeTDS's `dbperror` turns every second
    /// `INT_CONTINUE` of a connection's life into `INT_CANCEL`, which would close a healthy connection whose server
    /// is merely slow to acknowledge.
    func libraryError(number: Int, severity: Int, text: String, osText: String?) -> DBLibErrorAnswer {
        lock.withLock {
            if MSSQLErrorMapping.isAggregate(dblibNumber: number) { return .cancel }
            if number == MSSQLErrorMapping.DBLibNumber.timeout, callRunning {
                if attentionSentAt != nil { return .cancel }
                if interruption == nil { interruption = cancelRequested ? .cancel : .timeout }
                attentionSentAt = MonotonicTime.now()
                return .sendAttention
            }
            var message = text
            // FreeTDS passes strerror(0), "Success", when no system call failed.
            if let osText, !osText.isEmpty, osText != "Success" { message += " (\(osText))" }
            errors.append(
                DatabaseError(
                    kind: MSSQLErrorMapping.kind(dblibNumber: number),
                    code: .sqlServer(number: number, state: 0, severity: severity), message: message))
            return .cancel
        }
    }

    /// Marks the start of a new statement (its request is about to go out). A cancel left from an earlier
    /// statement is forgotten; one that arrives from now on stops this statement.
    func beginStatement() {
        lock.withLock {
            statementInFlight = true
            cancelRequested = false
        }
    }

    /// Marks the end of the statement in flight: its last result was read, or its results were discarded
    /// (`dbcancel`). A cancel that was not acted on is forgotten.
    func endStatement() {
        lock.withLock {
            statementInFlight = false
            cancelRequested = false
        }
    }

    /// Marks the start of a call that may wait on the server; `timeout` (seconds) arms the query deadline.
    /// `startingStatement`: the call sends a new statement, marked first as ``beginStatement()`` does (in the same
    /// hold of the lock).
    ///
    /// Returns `false` without starting anything when a cancel is already pending for the statement in flight:
    /// the caller must not make the call but discard the statement's results instead (``beginDiscarding()``).
    func beginWaiting(timeout: Double?, startingStatement: Bool = false) -> Bool {
        lock.withLock {
            if startingStatement {
                statementInFlight = true
                cancelRequested = false
            } else if cancelRequested && statementInFlight {
                return false
            }
            callRunning = true
            interruption = nil
            attentionSentAt = nil
            deadline = timeout.map {
                MonotonicTime.now() &+ MonotonicTime.nanoseconds(milliseconds: ($0 * 1000).rounded(.up))
            }
            return true
        }
    }

    /// Marks the start of a `dbcancel` (an attention, then reading up to its acknowledgement): the interrupt
    /// handler gives the server ``attentionAcknowledgementTimeout`` to acknowledge, then closes the socket rather
    /// than wait forever. End it with ``endWaiting(failed:)``.
    func beginDiscarding() {
        lock.withLock {
            callRunning = true
            interruption = .cancel
            attentionSentAt = MonotonicTime.now()
            deadline = nil
        }
    }

    /// Ends a discarding call begun with ``beginDiscarding()``, drops the errors it produced and ends the statement
    /// in flight: ``endWaiting(failed:)``, ``takeErrors()`` and ``endStatement()`` in one hold of the lock.
    func endDiscarding() {
        lock.withLock {
            callRunning = false
            deadline = nil
            interruption = nil
            attentionSentAt = nil
            errors.removeAll()
            statementInFlight = false
            cancelRequested = false
        }
    }

    /// Marks the end of such a call and returns why it was interrupted, if it was. A cancel requested during the
    /// call that the interrupt handler did not act on counts as the reason when the call failed; when it
    /// succeeded, the cancel stays pending for the statement's next call (it is forgotten when no statement is in
    /// flight, e.g. for the calls of a bulk copy).
    @discardableResult
    func endWaiting(failed: Bool = false) -> Interruption? {
        lock.withLock { endWaitingLocked(failed: failed) }
    }

    /// ``endWaiting(failed:)`` after a call whose body failed when `bodyFailed`, or when an error was collected
    /// during it, and ``takeErrors()``, in one hold of the lock: why the call was interrupted, if it was, and the
    /// errors collected.
    func finishWaiting(bodyFailed: Bool) -> (interruption: Interruption?, errors: [DatabaseError]) {
        lock.withLock {
            let interruption = endWaitingLocked(failed: bodyFailed || !errors.isEmpty)
            guard !errors.isEmpty else { return (interruption, []) }
            defer { errors.removeAll() }
            return (interruption, errors)
        }
    }

    private func endWaitingLocked(failed: Bool) -> Interruption? {
        callRunning = false
        deadline = nil
        let reason = attentionSentAt != nil ? interruption : (failed && cancelRequested ? .cancel : nil)
        if reason != nil || !statementInFlight { cancelRequested = false }
        interruption = nil
        attentionSentAt = nil
        return reason
    }

    /// Asks the statement in flight, if any, to stop: the interrupt handler sees it within about a second while a
    /// call waits, or the statement's next call sees it at once. Without a statement in flight it does nothing.
    func requestCancel() {
        lock.withLock {
            if callRunning || statementInFlight { cancelRequested = true }
        }
    }

    /// Whether the interrupt handler should interrupt the current wait: a cancel or the deadline before the
    /// attention went out; after it, only the acknowledgement deadline.
    func shouldInterrupt() -> Bool {
        lock.withLock {
            guard callRunning else { return false }
            let now = MonotonicTime.now()
            if let sent = attentionSentAt { return now &- sent >= Self.attentionAcknowledgementNanoseconds }
            if cancelRequested { return true }
            if let deadline, now >= deadline { return true }
            return false
        }
    }

    /// Returns and forgets the errors collected so far.
    func takeErrors() -> [DatabaseError] {
        lock.withLock {
            defer { errors.removeAll() }
            return errors
        }
    }

    /// Whether an error is waiting to be thrown.
    var hasErrors: Bool { lock.withLock { !errors.isEmpty } }

    /// Returns and forgets the notices collected so far.
    func takeNotices() -> [DatabaseNotice] {
        lock.withLock {
            defer { notices.removeAll() }
            return notices
        }
    }
}

/// What the error handler answers DB-Library.
enum DBLibErrorAnswer {
    /// `INT_CANCEL`: fail the call (on SYBETIME: close the socket).
    case cancel
    /// `INT_TIMEOUT` on SYBETIME: FreeTDS sends an attention and keeps reading until the server acknowledges it.
    case sendAttention
}
