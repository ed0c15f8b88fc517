import DBCore
import Foundation

/// The automatic prepared-statement cache of one ``MSSQLConnection``: which parameterised statements run often
/// enough to prepare, the server handles of those prepared (least recently used first out), and the handles the
/// server must still be told to drop.
///
/// A statement is the text sent to the server (NULL arguments already written as `NULL`, see
/// ``MSSQLNullInlining``) with its `@params` declaration string: a handle is bound to both, so the same SQL with
/// an `INT` and then a `NVARCHAR` argument is two statements. Below the threshold it runs as `sp_executesql`; at
/// the threshold it is prepared once (`sp_prepare`, whose OUTPUT handle arrives with its own results, before any
/// row of the statement) and from then on run by handle (`sp_execute`). Not thread-safe: the connection uses it
/// under its lock.
///
/// SQL Server keeps prepared handles across transactions (a rollback does not drop them), so nothing here is
/// provisional as in PostgreSQL; `sp_reset_connection` and the end of the session drop them all.
struct MSSQLStatementCache {
    /// A statement: its text as sent and its declaration string.
    ///
    /// Texts compare by their UTF-8 bytes, as the server receives them; the hash is FNV-1a over those bytes (cheaper
    /// than hashing two `String`s through SipHash on every run).
    struct Key: Hashable {
        var sql: String
        var declarations: String

        static func == (lhs: Key, rhs: Key) -> Bool {
            sameBytes(lhs.sql, rhs.sql) && sameBytes(lhs.declarations, rhs.declarations)
        }

        func hash(into hasher: inout Hasher) {
            // 0xFF never occurs in UTF-8: it separates the two texts.
            let first = Self.fnv1a(sql, 0xcbf2_9ce4_8422_2325)
            hasher.combine(Self.fnv1a(declarations, (first ^ 0xff) &* 0x100_0000_01b3))
        }

        private static func fnv1a(_ text: String, _ seed: UInt64) -> UInt64 {
            var hash = seed
            var text = text
            text.withUTF8 { bytes in
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
            return hash
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

    /// What to do with a statement now.
    enum Plan: Equatable {
        /// Run it as `sp_executesql`.
        case unprepared
        /// Prepare it (`sp_prepare`), then run it by its handle.
        case prepare
        /// Run the prepared statement with this handle (`sp_execute`).
        case execute(Int32)
    }

    /// Runs before preparing; `nil`: never prepare.
    private(set) var threshold: Int?
    /// How often each statement not yet prepared has run (bounded like the prepared ones).
    private var counts: LRUTable<Key, Int>
    private var prepared: LRUTable<Key, Int32>
    /// Handles the server still holds but the cache dropped: unprepared before the next statement.
    private(set) var pendingUnprepare: [Int32] = []
    /// The counters callers see.
    private var statistics = StatementCacheStatistics()

    /// An empty cache with `settings`.
    init(_ settings: StatementCacheSettings) {
        threshold = settings.threshold
        counts = LRUTable(capacity: settings.capacity)
        prepared = LRUTable(capacity: settings.capacity)
    }

    /// Whether statements may be prepared at all.
    var isEnabled: Bool { threshold != nil }

    /// The counters, with the number of statements held now.
    var currentStatistics: StatementCacheStatistics {
        var statistics = self.statistics
        statistics.cached = prepared.count
        return statistics
    }

    /// What to do with `key` now; counts the run.
    mutating func plan(for key: Key) -> Plan {
        guard let threshold else { return .unprepared }
        if let handle = prepared.use(key) {
            statistics.hits += 1
            return .execute(handle)
        }
        statistics.misses += 1
        let runs = counts.peek(key) ?? 0
        if runs >= threshold { return .prepare }
        counts.insert(key, runs + 1)
        return .unprepared
    }

    /// Records that `key` was prepared as `handle`; a statement evicted to make room goes to ``pendingUnprepare``.
    mutating func didPrepare(_ key: Key, handle: Int32) {
        counts.remove(key)
        statistics.prepared += 1
        if let evicted = prepared.insert(key, handle) {
            statistics.evictions += 1
            pendingUnprepare.append(evicted.value)
        }
    }

    /// Drops `key`'s handle, which the server no longer knows (error 8179): nothing to unprepare.
    mutating func forget(_ key: Key) {
        guard prepared.remove(key) != nil else { return }
        statistics.invalidations += 1
    }

    /// Drops every handle; `serverDropped` when the server already has (`sp_reset_connection`), else they are
    /// unprepared before the next statement.
    mutating func invalidateAll(serverDropped: Bool) {
        statistics.invalidations += prepared.count
        if serverDropped {
            pendingUnprepare.removeAll()
        } else {
            pendingUnprepare += prepared.entries.map(\.value)
        }
        prepared.removeAll()
    }

    /// Hands over the handles to unprepare, forgetting them.
    mutating func takePendingUnprepare() -> [Int32] {
        defer { pendingUnprepare.removeAll() }
        return pendingUnprepare
    }

    /// Changes the threshold; `nil` drops every prepared statement (unprepared before the next statement).
    mutating func setThreshold(_ newValue: Int?) {
        threshold = newValue.map { max(0, $0) }
        if threshold == nil {
            invalidateAll(serverDropped: false)
            counts.removeAll()
        }
    }
}
