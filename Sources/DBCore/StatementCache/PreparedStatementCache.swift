import Foundation

/// The policy both drivers' automatic prepared-statement caches share: count each statement's runs until the
/// threshold, keep the prepared ones (least recently used first out, bounded by the capacity), collect what the
/// server must still be told to drop, and keep the counters callers see.
///
/// `Key` is the driver's statement identity (text plus parameter types); `Entry` what the server gave back (a
/// statement name, a handle, with whatever the driver tracks beside it). The driver adds what only its database
/// has (PostgreSQL's statements prepared in an open transaction, SQL Server's handles) around it. Not
/// thread-safe: a connection uses it under its lock. `@inlinable`, so that each driver gets code specialised for
/// its types (it runs on every statement).
package struct PreparedStatementCache<Key: Hashable, Entry> {
    /// What to do with a statement now.
    package enum Plan {
        /// Run it unprepared.
        case unprepared
        /// Prepare it, then run it prepared.
        case prepare
        /// Run the statement prepared as this entry.
        case execute(Entry)
    }

    /// Runs before preparing; `nil`: never prepare.
    package private(set) var threshold: Int?
    /// How often each statement not yet prepared has run (bounded like the prepared ones).
    @usableFromInline var counts: LRUTable<Key, Int>
    /// The prepared statements.
    @usableFromInline var prepared: LRUTable<Key, Entry>
    /// Entries the server still holds but the cache dropped: released before the next statement.
    package private(set) var pendingRelease: [Entry] = []
    /// The counters callers see (``currentStatistics`` adds the number held).
    @usableFromInline var statistics = StatementCacheStatistics()

    /// An empty cache with `settings`.
    @inlinable
    package init(_ settings: StatementCacheSettings) {
        threshold = settings.threshold
        counts = LRUTable(capacity: settings.capacity)
        prepared = LRUTable(capacity: settings.capacity)
    }

    /// Whether statements may be prepared at all.
    @inlinable
    package var isEnabled: Bool { threshold != nil }

    /// The counters, with the number of statements held now.
    @inlinable
    package var currentStatistics: StatementCacheStatistics {
        var statistics = self.statistics
        statistics.cached = prepared.count
        return statistics
    }

    /// The prepared statements, most recently used first.
    @inlinable
    package var entries: [(key: Key, value: Entry)] { prepared.entries }

    /// What to do with `key` now; counts the run (a hit, or a miss and one more run toward the threshold).
    @inlinable
    package mutating func plan(for key: Key) -> Plan {
        guard let threshold else { return .unprepared }
        if let entry = prepared.use(key) {
            statistics.hits += 1
            return .execute(entry)
        }
        statistics.misses += 1
        let runs = counts.peek(key) ?? 0
        if runs >= threshold { return .prepare }
        counts.insert(key, runs + 1)
        return .unprepared
    }

    /// Counts a hit the driver answered without ``plan(for:)`` (a memo of its last statement).
    @inlinable
    package mutating func countHit() {
        statistics.hits += 1
    }

    /// Records that `key` was prepared as `entry`. The entry evicted to make room goes to ``pendingRelease``, and
    /// is returned.
    @inlinable
    @discardableResult
    package mutating func didPrepare(_ key: Key, _ entry: Entry) -> Entry? {
        counts.remove(key)
        statistics.prepared += 1
        guard let evicted = prepared.insert(key, entry) else { return nil }
        statistics.evictions += 1
        pendingRelease.append(evicted.value)
        return evicted.value
    }

    /// Changes `key`'s entry in place.
    @inlinable
    package mutating func update(_ key: Key, _ body: (inout Entry) -> Void) {
        prepared.update(key, body)
    }

    /// Drops `key`'s prepared statement and returns its entry; `release` when the server still holds it (it goes
    /// to ``pendingRelease``), not when the server already forgot it.
    @inlinable
    @discardableResult
    package mutating func invalidate(_ key: Key, release: Bool) -> Entry? {
        guard let entry = prepared.remove(key) else { return nil }
        statistics.invalidations += 1
        if release { pendingRelease.append(entry) }
        return entry
    }

    /// Drops every prepared statement; `serverDropped` when the server already has (a session reset), so nothing
    /// is left to release.
    @inlinable
    package mutating func invalidateAll(serverDropped: Bool) {
        statistics.invalidations += prepared.count
        if serverDropped {
            pendingRelease.removeAll()
        } else {
            pendingRelease += prepared.entries.map(\.value)
        }
        prepared.removeAll()
    }

    /// Hands over the entries to release, forgetting them.
    @inlinable
    package mutating func takePendingRelease() -> [Entry] {
        defer { pendingRelease.removeAll() }
        return pendingRelease
    }

    /// Changes the threshold; `nil` drops every prepared statement (released before the next statement) and the
    /// run counts.
    @inlinable
    package mutating func setThreshold(_ newValue: Int?) {
        threshold = newValue.map { max(0, $0) }
        if threshold == nil {
            invalidateAll(serverDropped: false)
            counts.removeAll()
        }
    }
}

/// The UTF-8 byte comparison and hash the caches' statement keys use: texts compare as the server receives them,
/// not by Swift's canonical equivalence (which would take a precomposed and a decomposed `é` in a literal for the
/// same statement), and FNV-1a over the bytes is cheaper than hashing a `String` through SipHash on every run.
package enum StatementText {
    /// The FNV-1a offset basis, the seed of a first text.
    package static let initialHash: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a of `text`'s UTF-8 bytes, continuing from `seed`.
    @inlinable
    package static func hash(_ text: String, seed: UInt64 = initialHash) -> UInt64 {
        var hash = seed
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return hash
    }

    /// Whether the two texts have the same UTF-8 bytes. Read on every statement by the drivers' caches, so the
    /// usual cases are told cheaply: the same string value (one storage and length, or one small string's bytes)
    /// from its two words, and native strings from their storage in place, without copying them into `var`s for
    /// `withUTF8` (a retain and release each).
    @inlinable @inline(__always)
    package static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        if MemoryLayout<String>.size == MemoryLayout<(UInt64, UInt64)>.size,
            unsafeBitCast(lhs, to: (UInt64, UInt64).self) == unsafeBitCast(rhs, to: (UInt64, UInt64).self)
        {
            return true
        }
        let same = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                left.count == right.count
                    && (left.isEmpty || left.baseAddress == right.baseAddress
                        || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
        if let same, let same { return same }
        var (lhs, rhs) = (lhs, rhs)
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                left.count == right.count
                    && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
    }
}
