import Foundation

/// A dedicated thread that runs one connection's blocking C calls, one job at a time, in the order submitted.
///
/// Blocking calls (libpq, DB-Library) must never run on Swift's cooperative thread pool: a pool of a few threads
/// (one per core) would stall every task in the process while a statement waits for the server. Each
/// ``AsyncConnection`` therefore owns one of these threads; async callers suspend on a continuation while the
/// thread works (see ``run(isolation:_:)``).
///
/// `@unchecked Sendable`: the job queue and the stop flag are read and written only while holding `condition`.
public final class ConnectionThread: @unchecked Sendable {
    /// A unit of work for the thread.
    typealias Job = @Sendable () -> Void

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var stopping = false
    private var exited = false

    /// Starts a thread named `name` (shown by debuggers and `top -H`).
    public init(name: String = "DBCore.ConnectionThread") {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues `job`; returns `false` (and drops the job) once ``stop()`` was called.
    @discardableResult
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets the thread finish the jobs already queued, then exit. Idempotent; does not wait.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func loop() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {
                exited = true
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on the thread and returns its result; the calling task suspends meanwhile (it does not block
    /// a thread). Not cancellable: `body` always runs to its end. The result is delivered on `isolation`.
    public func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation(isolation: isolation) { continuation in
            let accepted = submit { continuation.resume(with: Result { try body() }) }
            if !accepted { continuation.resume(throwing: ConnectionThread.stoppedError) }
        }
    }

    /// The error for work submitted after ``stop()``.
    static let stoppedError = DatabaseError(kind: .connectionLost, message: "the connection is closed")
}
