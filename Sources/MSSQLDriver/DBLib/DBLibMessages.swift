import DBCore
import Foundation

/// Collects what DB-Library's process-wide error and message handlers report for one connection, and carries the
/// flags its interrupt handler reads (a cancel request, a statement deadline).
///
/// The handlers run on whichever thread is inside a DB-Library call for the connection; ``cancel()`` runs on any
/// thread. Every field is guarded by `lock`, which makes the `@unchecked Sendable` safe.
final class DBLibMessages: @unchecked Sendable {
    /// Why a running statement is being interrupted.
    enum Interruption: Sendable {
        case cancel
        case timeout
    }

    private let lock = NSLock()
    private var errors: [DatabaseError] = []
    private var notices: [DatabaseNotice] = []
    private var statementRunning = false
    private var cancelRequested = false
    private var deadline: ContinuousClock.Instant?
    private var interruption: Interruption?
    private var attentionSentAt: ContinuousClock.Instant?
    /// Server message numbers reported as notices only while logging in, then dropped (database and language
    /// changes, 5701 and 5703).
    private let loginNoise: Set<Int> = [5701, 5703]
    private var loggingIn = false

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

    /// Records a DB-Library error and returns what the error handler must answer (`INT_CANCEL`, `INT_TIMEOUT` or
    /// `INT_CONTINUE`, as ``DBLibErrorAnswer``).
    func libraryError(number: Int, severity: Int, text: String, osText: String?) -> DBLibErrorAnswer {
        lock.withLock {
            if MSSQLErrorMapping.isAggregate(dblibNumber: number) { return .cancel }
            if number == MSSQLErrorMapping.DBLibNumber.timeout, statementRunning {
                // A timeout inside a statement comes from our interrupt handler (cancel() or the query deadline).
                if interruption == nil { interruption = cancelRequested ? .cancel : .timeout }
                let now = ContinuousClock.now
                guard let sent = attentionSentAt else {
                    attentionSentAt = now
                    return .sendAttention
                }
                // The server has 10 seconds to acknowledge the attention; then the socket is given up.
                return now - sent < .seconds(10) ? .keepWaiting : .cancel
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

    /// Marks the start of a call that may wait on the server; `timeout` (seconds) arms the query deadline.
    func beginWaiting(timeout: Double?) {
        lock.withLock {
            statementRunning = true
            cancelRequested = false
            interruption = nil
            attentionSentAt = nil
            deadline = timeout.map { ContinuousClock.now + .milliseconds(Int64(($0 * 1000).rounded(.up))) }
        }
    }

    /// Marks the end of such a call and returns why it was interrupted, if it was. A cancel requested while the
    /// call was still sending (before any attention went out) counts as the reason when the call failed.
    @discardableResult
    func endWaiting(failed: Bool = false) -> Interruption? {
        lock.withLock {
            statementRunning = false
            deadline = nil
            let cancelled = cancelRequested
            cancelRequested = false
            let reason = attentionSentAt != nil ? interruption : (failed && cancelled ? .cancel : nil)
            interruption = nil
            attentionSentAt = nil
            return reason
        }
    }

    /// Asks the running call, if any, to stop; the interrupt handler sees it within about a second.
    func requestCancel() {
        lock.withLock {
            if statementRunning { cancelRequested = true }
        }
    }

    /// Whether the interrupt handler should interrupt the current wait.
    func shouldInterrupt() -> Bool {
        lock.withLock {
            guard statementRunning else { return false }
            if cancelRequested || attentionSentAt != nil { return true }
            if let deadline, ContinuousClock.now >= deadline { return true }
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
    /// `INT_CANCEL`: fail the call (on a timeout: close the socket).
    case cancel
    /// `INT_TIMEOUT` on SYBETIME: FreeTDS sends an attention and keeps reading until the server acknowledges it.
    case sendAttention
    /// `INT_CONTINUE` on SYBETIME: keep waiting.
    case keepWaiting
}
