import Dispatch
import Synchronization

/// The next batch of an ``AsyncRowBatches`` iteration, fetched on the connection's thread while the consumer
/// still works through the current one.
///
/// Without it every batch costs two thread wake-ups in a row (the connection's thread, then the consumer's
/// executor) with the consumer idle in between; on a loaded machine each wake-up can wait for a time slice, which
/// made the async API about 20% slower than the sync one. Reading one batch ahead overlaps the fetch with the
/// consumer's work, and a consumer that comes back after the fetch finished takes the batch without suspending.
///
/// A cancelled task gets ``DatabaseError/Kind/cancelled`` from its next batch, at once (also while it waits). The
/// fetch is cancelled as a statement is (see ``ConnectionThread/runCancellable(on:isolation:_:)``): a fetch still
/// queued reads no rows, and while one runs the connection's statement is cancelled on the server until it
/// returns; the iteration then cancels the statement again if need be and closes the cursor. So the connection's
/// thread is soon free for the next statement, however slowly the rows arrive.
final class BatchReadAhead: Sendable {
    private enum State {
        case fetching
        case waiting(CheckedContinuation<[Row], any Error>)
        case done(Result<[Row], any Error>)
        case taken
    }

    private let state = Mutex<State>(.fetching)
    /// Whether the fetch is queued, running or done on the connection's thread, and whether it was cancelled.
    private let job = JobState()
    /// The connection whose statement a cancel stops.
    private let connection: any DatabaseConnection

    private init(connection: any DatabaseConnection) {
        self.connection = connection
    }

    /// Queues the fetch of up to `batchSize` rows from `slot` on `connection`'s thread.
    static func start(
        _ slot: CursorSlot, on connection: AsyncConnection, statement: BoundStatement, batchSize: Int
    ) -> BatchReadAhead {
        let sync = connection.connection
        let ahead = BatchReadAhead(connection: sync)
        let accepted = connection.thread.submit {
            guard ahead.job.start() else {
                // Cancelled while queued: no rows are read (the iteration closes the cursor, cancelling first).
                ahead.complete(.failure(BatchReadAhead.cancelled))
                return
            }
            let result = Result { try slot.fetch(sync, statement: statement, batchSize: batchSize) }
            ahead.job.finish()
            ahead.complete(result)
        }
        if !accepted { ahead.complete(.failure(ConnectionThread.stoppedError)) }
        return ahead
    }

    /// The fetched batch: at once when it is ready, else when the connection's thread delivers it.
    func value(isolation: isolated (any Actor)? = #isolation) async throws -> [Row] {
        if Task.isCancelled {
            // The batch is dropped, whether or not it is ready; a fetch still queued or running is stopped.
            state.withLock { $0 = .taken }
            cancelFetch()
            throw BatchReadAhead.cancelled
        }
        if let ready = takeIfDone() { return try ready.get() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation(isolation: isolation) { continuation in
                let ready = state.withLock { state -> Result<[Row], any Error>? in
                    if case .done(let result) = state {
                        state = .taken
                        return result
                    }
                    // A cancel that landed after the check above ran `onCancel` before this body, while nothing
                    // waited yet: nothing would resume this continuation before the fetch completes.
                    if Task.isCancelled {
                        state = .taken
                        return .failure(BatchReadAhead.cancelled)
                    }
                    state = .waiting(continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<[Row], any Error>? in
                guard case .waiting(let continuation) = state else { return nil }
                state = .taken
                return continuation
            }
            waiter?.resume(throwing: BatchReadAhead.cancelled)
            cancelFetch()
        }
    }

    /// Cancels the fetch: a queued one will not read rows; a running one has the connection's statement
    /// cancelled on the server, repeatedly, until it returns.
    private func cancelFetch() {
        guard job.cancel() else { return }
        let (connection, job) = (self.connection, self.job)
        // PQcancel opens a socket to the server: never on the cancelling (perhaps cooperative) thread.
        DispatchQueue.global().async { JobState.keepCancelling(connection, while: job) }
    }

    private func takeIfDone() -> Result<[Row], any Error>? {
        state.withLock { state in
            guard case .done(let result) = state else { return nil }
            state = .taken
            return result
        }
    }

    private func complete(_ result: Result<[Row], any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<[Row], any Error>? in
            switch state {
            case .waiting(let continuation):
                state = .taken
                return continuation
            case .fetching:
                state = .done(result)
                return nil
            case .done, .taken:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    static let cancelled = DatabaseError(kind: .cancelled, message: "the task was cancelled while rows were fetched")
}
