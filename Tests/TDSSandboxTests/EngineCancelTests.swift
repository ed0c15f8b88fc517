import DBCore
import Foundation
import TDSSandbox
import Testing

@Suite("Engine: cancel and streaming")
struct EngineCancelTests {
    @Test func cancelStopsWaitForDelay() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let started = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        let canceller = Thread {
            defer { stopped.signal() }
            started.wait()
            // Cancel until the request has stopped: the first cancel may arrive before pg_sleep starts.
            while !Self.finished.withLock({ $0 }) {
                engine.cancel()
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        Self.finished.withLock { $0 = false }
        canceller.start()
        started.signal()
        let result = try engine.run("WAITFOR DELAY '00:00:05'\nSELECT 1")
        Self.finished.withLock { $0 = true }
        stopped.wait()
        #expect(result.outcome == .cancelled)
        #expect(result.resultSets.isEmpty)
        #expect(try engine.ok("SELECT 2").scalar == .int(2))
    }

    private static let finished = NSLockedFlag()

    @Test func largeResultsStreamInOrder() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok("SELECT g AS n FROM generate_series(1, 2000) AS g")
        #expect(result.resultSets.first?.rows.count == 2000)
        #expect(result.resultSets.first?.rows.last == [.int(2000)])
        #expect(result.doneCounts == [2000])
    }
}

/// A Bool behind a lock.
final class NSLockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func withLock<T>(_ body: (inout Bool) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
