import DBCore
import Foundation
import MSSQLDriver

/// Runs `body` on the calling thread while another thread calls `connection.cancel()` once, `delay` after the
/// start; returns the DatabaseError `body` threw, if any. Returns only once the cancel was made, so it cannot
/// reach a later statement.
func cancelling(_ connection: MSSQLConnection, after delay: Duration, _ body: () throws -> Void) -> DatabaseError? {
    let cancelled = DispatchSemaphore(value: 0)
    let canceller = Thread {
        let (seconds, attoseconds) = delay.components
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
        connection.cancel()
        cancelled.signal()
    }
    canceller.start()
    let error = databaseError(body)
    cancelled.wait()
    return error
}

/// Runs `body` on the calling thread while another thread calls `connection.cancel()` every 20 ms until `body`
/// returns, so that one cancel surely arrives while the statement is in flight however late the statement's
/// thread gets to start it (a cancel while nothing runs does nothing). Returns the DatabaseError `body` threw.
func cancellingRepeatedly(_ connection: MSSQLConnection, _ body: () throws -> Void) -> DatabaseError? {
    let done = DoneFlag()
    let stopped = DispatchSemaphore(value: 0)
    let canceller = Thread {
        while !done.isSet {
            connection.cancel()
            Thread.sleep(forTimeInterval: 0.02)
        }
        stopped.signal()
    }
    canceller.start()
    let error = databaseError(body)
    done.set()
    stopped.wait()
    return error
}

/// A flag one thread sets and another reads.
final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// Whether ``set()`` ran.
    var isSet: Bool { lock.withLock { value } }

    /// Sets the flag.
    func set() { lock.withLock { value = true } }
}
