import DBCore
import Foundation

/// The automatic prepared-statement cache of one connection: which statements run often enough to prepare, the
/// names of those prepared, least recently used first out, and what the server must still be told to drop.
///
/// A statement is one SQL text with its parameters' type OIDs (the same text with an `int4` and then an `int8`
/// argument is two statements). Below the threshold it runs unprepared (`PQsendQueryParams`, which parses it
/// every time); at the threshold it is prepared once under a generated name (`PQprepare`) and from then on run by
/// name (`PQsendQueryPrepared`). Not thread-safe: ``PGConnection`` uses it under its lock.
///
/// A statement prepared inside a transaction block is *provisional* until the transaction commits: after a
/// rollback the objects it was planned against (a table created in the transaction) may be gone, so it is
/// dropped. `DROP …`/`ALTER …` drop every statement (a result type may have changed); `DISCARD ALL` and
/// `DEALLOCATE ALL` forget them all (the server already dropped them).
struct PGStatementCache {
    /// A statement: its text and its parameters' type OIDs.
    ///
    /// Texts compare by their UTF-8 bytes, as the server sees them, not by Swift's canonical equivalence (which
    /// would take a precomposed and a decomposed `é` in a literal for the same statement); the hash is FNV-1a
    /// over those bytes, cheaper than hashing the `String` through SipHash on every run.
    struct Key: Hashable {
        var sql: String
        var types: [UInt32]

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.types == rhs.types && sameBytes(lhs.sql, rhs.sql)
        }

        func hash(into hasher: inout Hasher) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var text = sql
            text.withUTF8 { bytes in
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
            hasher.combine(hash)
            hasher.combine(types.count)
            for type in types { hasher.combine(type) }
        }

        private static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
            var (lhs, rhs) = (lhs, rhs)
            return lhs.withUTF8 { left in
                rhs.withUTF8 { right in
                    left.count == right.count
                        && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
                }
            }
        }
    }

    /// A prepared statement.
    struct Entry {
        var name: String
        /// Prepared in a transaction block that has not committed yet.
        var provisional: Bool
    }

    /// What to do with a statement now.
    enum Plan: Equatable {
        /// Run it unprepared.
        case unprepared
        /// Prepare it under this name, then run it by name.
        case prepare(String)
        /// Run the prepared statement of this name.
        case execute(String)
    }

    /// Runs before preparing; `nil`: never prepare.
    private(set) var threshold: Int?
    /// How often each statement not yet prepared has run (bounded like the prepared ones).
    private var counts: LRUTable<Key, Int>
    private var prepared: LRUTable<Key, Entry> {
        // Any change to the prepared statements forgets the memo (reads through `use` set it again).
        didSet { last = nil }
    }
    /// The statement run last by name and that name, when nothing changed since: it is the most recently used
    /// entry already, so running it again needs neither the hash look-up nor the reordering (a loop of the same
    /// point query is the common case).
    private var last: (key: Key, name: String)?
    /// Names the server still holds but the cache dropped: deallocated at the next statement outside a
    /// transaction block.
    private(set) var pendingDeallocation: [String] = []
    private var provisionalCount = 0
    private var nextNumber = 0
    /// The counters callers see.
    private(set) var statistics = StatementCacheStatistics()

    /// An empty cache with `settings`.
    init(_ settings: StatementCacheSettings) {
        threshold = settings.threshold
        counts = LRUTable(capacity: settings.capacity)
        prepared = LRUTable(capacity: settings.capacity)
    }

    /// Whether statements may be prepared at all.
    var isEnabled: Bool { threshold != nil }

    /// Whether ``PGConnection`` has bookkeeping to do before the next statement (drop statements, settle a
    /// transaction it did not see end).
    var needsMaintenance: Bool { !pendingDeallocation.isEmpty || provisionalCount > 0 }

    /// The counters, with the number of statements held now.
    var currentStatistics: StatementCacheStatistics {
        var statistics = self.statistics
        statistics.cached = prepared.count
        return statistics
    }

    /// What to do with `key` now; counts the run.
    mutating func plan(for key: Key) -> Plan {
        guard let threshold else { return .unprepared }
        if let last, last.key == key {
            statistics.hits += 1
            return .execute(last.name)
        }
        if let entry = prepared.use(key) {
            statistics.hits += 1
            last = (key, entry.name)
            return .execute(entry.name)
        }
        statistics.misses += 1
        let runs = counts.peek(key) ?? 0
        if runs >= threshold { return .prepare(freshName()) }
        counts.insert(key, runs + 1)
        return .unprepared
    }

    /// A statement name this connection has not used: `_pgdriver_1`, `_pgdriver_2`, …
    mutating func freshName() -> String {
        nextNumber += 1
        return "_pgdriver_\(nextNumber)"
    }

    /// Records that `key` was prepared as `name`; `inTransaction` when a transaction block was open.
    mutating func didPrepare(_ key: Key, name: String, inTransaction: Bool) {
        counts.remove(key)
        statistics.prepared += 1
        if inTransaction { provisionalCount += 1 }
        if let evicted = prepared.insert(key, Entry(name: name, provisional: inTransaction)) {
            statistics.evictions += 1
            if evicted.value.provisional { provisionalCount -= 1 }
            pendingDeallocation.append(evicted.value.name)
        }
    }

    /// Drops `key`'s prepared statement (the server reported it stale or gone); the server is told later.
    mutating func invalidate(_ key: Key) {
        guard let entry = prepared.remove(key) else { return }
        if entry.provisional { provisionalCount -= 1 }
        statistics.invalidations += 1
        pendingDeallocation.append(entry.name)
    }

    /// Drops every prepared statement; `serverDropped` when the server already has (`DISCARD ALL`, `DEALLOCATE
    /// ALL`), so nothing is left to deallocate.
    mutating func invalidateAll(serverDropped: Bool) {
        statistics.invalidations += prepared.count
        if serverDropped {
            pendingDeallocation.removeAll()
        } else {
            pendingDeallocation += prepared.entries.map(\.value.name)
        }
        prepared.removeAll()
        provisionalCount = 0
    }

    /// The transaction block ended: statements prepared in it become permanent (`committed`) or are dropped.
    mutating func transactionEnded(committed: Bool) {
        guard provisionalCount > 0 else { return }
        for (key, entry) in prepared.entries where entry.provisional {
            if committed {
                prepared.update(key) { $0.provisional = false }
            } else {
                prepared.remove(key)
                statistics.invalidations += 1
                pendingDeallocation.append(entry.name)
            }
        }
        provisionalCount = 0
    }

    /// Applies what a finished command did to the session's prepared statements.
    mutating func apply(_ effect: PQSessionEffect) {
        switch effect {
        case .none: break
        case .committed: transactionEnded(committed: true)
        case .rolledBack: transactionEnded(committed: false)
        case .droppedAll: invalidateAll(serverDropped: true)
        case .schemaChanged: invalidateAll(serverDropped: false)
        }
    }

    /// Hands over the names to deallocate, forgetting them.
    mutating func takePendingDeallocation() -> [String] {
        defer { pendingDeallocation.removeAll() }
        return pendingDeallocation
    }

    /// Changes the threshold; `nil` drops every prepared statement (deallocated at the next statement).
    mutating func setThreshold(_ newValue: Int?) {
        threshold = newValue.map { max(0, $0) }
        if threshold == nil {
            invalidateAll(serverDropped: false)
            counts.removeAll()
        }
    }
}
