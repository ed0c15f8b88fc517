import Dispatch
import Synchronization

extension ConnectionThread {
    /// Runs `body` on the thread; when the calling task is cancelled, the statement running on `connection` is
    /// cancelled on the server (``DatabaseConnection/cancel()``) and the call fails with
    /// ``DatabaseError/Kind/cancelled``. A job cancelled before it starts never runs.
    ///
    /// A cancel request can overtake the statement it means to stop (PostgreSQL ignores a cancel that arrives
    /// before the query), so while the job still runs the request is repeated every 200 ms.
    public func runCancellable<T: Sendable>(
        on connection: any DatabaseConnection, isolation: isolated (any Actor)? = #isolation,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let state = JobState()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation(isolation: isolation) { continuation in
                let accepted = submit {
                    guard state.start() else {
                        continuation.resume(throwing: JobState.cancelledBeforeStart)
                        return
                    }
                    let result = Result { try body() }
                    state.finish()
                    continuation.resume(with: result)
                }
                if !accepted { continuation.resume(throwing: ConnectionThread.stoppedError) }
            }
        } onCancel: {
            // PQcancel opens a socket to the server: never on the cancelling (perhaps cooperative) thread.
            if state.cancel() { DispatchQueue.global().async { JobState.keepCancelling(connection, while: state) } }
        }
    }
}

/// Where a cancellable job is: queued, running or done, and whether its task was cancelled.
final class JobState: Sendable {
    private enum Phase { case queued, running, done }
    private let state = Mutex<(phase: Phase, cancelled: Bool)>((.queued, false))

    /// Marks the job running; `false` when its task was cancelled first (then it must not run).
    func start() -> Bool {
        state.withLock { value in
            guard !value.cancelled else {
                value.phase = .done
                return false
            }
            value.phase = .running
            return true
        }
    }

    /// Marks the job done.
    func finish() { state.withLock { $0.phase = .done } }

    /// Records a cancel; `true` when the job is running and the server must be asked to stop it.
    func cancel() -> Bool {
        state.withLock { value in
            value.cancelled = true
            return value.phase == .running
        }
    }

    var isRunning: Bool { state.withLock { $0.phase == .running } }

    /// Sends cancel requests to `connection` now and every 200 ms while the job runs (at most 150 times).
    static func keepCancelling(_ connection: any DatabaseConnection, while state: JobState, attempt: Int = 0) {
        guard state.isRunning, attempt < 150 else { return }
        connection.cancel()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) {
            keepCancelling(connection, while: state, attempt: attempt + 1)
        }
    }

    static let cancelledBeforeStart = DatabaseError(
        kind: .cancelled, message: "the task was cancelled before the statement ran")
}
