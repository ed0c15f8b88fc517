import Foundation

/// Runs blocking test bodies off Swift's cooperative thread pool.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core (two here). These tests block
/// in DB-Library and libpq calls for up to seconds (WAITFOR, cancels, 10 MB values); run on the pool, they starve
/// every async test in the process (timers and cancels of other suites then fire tens of seconds late). The body
/// runs in the same task — so `#expect` and `#require` report to the running test — on a task executor that gives
/// every job a thread of its own.
@discardableResult
public func offPool<T>(_ body: () throws -> T) async throws -> T {
    try await withTaskExecutorPreference(ThreadPerJobExecutor.shared) {
        try body()
    }
}

/// A task executor that runs each job on a new thread.
public final class ThreadPerJobExecutor: TaskExecutor, @unchecked Sendable {
    /// The one instance (it has no state).
    public static let shared = ThreadPerJobExecutor()

    private init() {}

    /// Runs `job` on a new thread with a 4 MB stack.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let thread = Thread { job.runSynchronously(on: executor) }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
