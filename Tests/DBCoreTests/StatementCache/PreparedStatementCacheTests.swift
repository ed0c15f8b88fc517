import DBCore
import Testing

/// The policy both drivers' statement caches share (each driver's suite checks it again over the wire).
@Suite("PreparedStatementCache: the shared policy")
struct PreparedStatementCacheTests {
    private func isPrepare(_ plan: PreparedStatementCache<String, Int>.Plan) -> Bool {
        if case .prepare = plan { return true }
        return false
    }

    private func executed(_ plan: PreparedStatementCache<String, Int>.Plan) -> Int? {
        if case .execute(let entry) = plan { return entry }
        return nil
    }

    @Test("a statement is prepared at its threshold-th run and then executed; hits and misses are counted")
    func threshold() {
        var cache = PreparedStatementCache<String, Int>(StatementCacheSettings(threshold: 2, capacity: 10))
        #expect(!isPrepare(cache.plan(for: "q")))
        #expect(!isPrepare(cache.plan(for: "q")))
        #expect(isPrepare(cache.plan(for: "q")))
        cache.didPrepare("q", 7)
        #expect(executed(cache.plan(for: "q")) == 7)
        cache.countHit()
        let statistics = cache.currentStatistics
        #expect(statistics.misses == 3 && statistics.hits == 2)
        #expect(statistics.prepared == 1 && statistics.cached == 1)
    }

    @Test("threshold 0 prepares at once; nil never prepares and releases what was prepared")
    func thresholdZeroAndNil() {
        var cache = PreparedStatementCache<String, Int>(StatementCacheSettings(threshold: 0, capacity: 10))
        #expect(isPrepare(cache.plan(for: "a")))
        cache.didPrepare("a", 1)
        cache.setThreshold(nil)
        #expect(!cache.isEnabled)
        #expect(executed(cache.plan(for: "a")) == nil && !isPrepare(cache.plan(for: "a")))
        #expect(cache.takePendingRelease() == [1])
        #expect(cache.pendingRelease.isEmpty)
    }

    @Test("the least recently used entry is evicted into pendingRelease; invalidation releases or forgets")
    func evictionAndInvalidation() {
        var cache = PreparedStatementCache<String, Int>(StatementCacheSettings(threshold: 0, capacity: 2))
        for (key, entry) in [("a", 1), ("b", 2)] {
            _ = cache.plan(for: key)
            #expect(cache.didPrepare(key, entry) == nil)
        }
        _ = cache.plan(for: "a")  // a is now the most recent
        _ = cache.plan(for: "c")
        #expect(cache.didPrepare("c", 3) == 2)
        #expect(cache.currentStatistics.evictions == 1)
        #expect(cache.invalidate("a", release: false) == 1)
        #expect(cache.invalidate("c", release: true) == 3)
        #expect(cache.invalidate("c", release: true) == nil)
        #expect(cache.takePendingRelease() == [2, 3])
        _ = cache.plan(for: "d")
        cache.didPrepare("d", 4)
        cache.invalidateAll(serverDropped: true)
        #expect(cache.pendingRelease.isEmpty && cache.currentStatistics.cached == 0)
        #expect(cache.currentStatistics.invalidations == 3)
    }

    @Test("StatementText compares UTF-8 bytes, not canonical equivalence")
    func statementText() {
        let composed = "SELECT 'caf\u{E9}'"
        let decomposed = "SELECT 'cafe\u{301}'"
        #expect(composed == decomposed)  // Swift's String equality
        #expect(!StatementText.sameBytes(composed, decomposed))
        #expect(StatementText.sameBytes(composed, "SELECT 'caf\u{E9}'"))
        #expect(StatementText.hash("a") != StatementText.hash("b"))
    }
}
