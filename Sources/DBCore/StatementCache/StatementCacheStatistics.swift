/// What a connection's automatic prepared-statement cache has done since the connection opened.
///
/// Only statements the cache may prepare count (PostgreSQL: one statement with parameters); a hit is a run by a
/// prepared statement's name, a miss any other run of such a statement (below the threshold, or the run that
/// prepares it).
public struct StatementCacheStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Runs served by a statement already prepared.
    public var hits = 0
    /// Runs that were not (counted towards the threshold, or prepared on the way).
    public var misses = 0
    /// Statements prepared on the server (again after an invalidation, too).
    public var prepared = 0
    /// Prepared statements dropped because the cache was full (least recently used first).
    public var evictions = 0
    /// Prepared statements dropped because the server no longer has them or they may be stale: a session reset
    /// (`DISCARD ALL`, `DEALLOCATE ALL`), a rolled-back transaction that prepared them, a schema change
    /// (`ALTER`/`DROP`, or the server's "cached plan must not change result type").
    public var invalidations = 0
    /// Prepared statements the connection holds now.
    public var cached = 0

    /// Creates statistics; all zero by default.
    public init(
        hits: Int = 0, misses: Int = 0, prepared: Int = 0, evictions: Int = 0, invalidations: Int = 0, cached: Int = 0
    ) {
        self.hits = hits
        self.misses = misses
        self.prepared = prepared
        self.evictions = evictions
        self.invalidations = invalidations
        self.cached = cached
    }

    /// The counters in one line.
    public var description: String {
        "hits=\(hits) misses=\(misses) prepared=\(prepared) evictions=\(evictions) invalidations=\(invalidations) cached=\(cached)"
    }
}
