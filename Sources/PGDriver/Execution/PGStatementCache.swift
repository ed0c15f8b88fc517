import DBCore
import Foundation

/// The automatic prepared-statement cache of one connection (DBCore's shared ``PreparedStatementCache`` policy, plus
/// what only PostgreSQL has: provisional statements and generated names): which statements run often enough to prepare, the
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
    /// A statement: its text and its parameters' type OIDs. Texts compare by their UTF-8 bytes and hash with FNV-1a
    /// (``StatementText``).
    struct Key: Hashable {
        var sql: String
        var types: [UInt32]

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.types == rhs.types && StatementText.sameBytes(lhs.sql, rhs.sql)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(StatementText.hash(sql))
            hasher.combine(types.count)
            for type in types { hasher.combine(type) }
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

    /// The shared policy: run counts, the prepared statements, what to deallocate, the counters.
    private var core: PreparedStatementCache<Key, Entry>
    /// The statement run last by name and that name, when nothing changed since: it is the most recently used
    /// entry already, so running it again needs neither the hash look-up nor the reordering (a loop of the same
    /// point query is the common case). Every change to the prepared statements clears it.
    ///
    /// Three plain fields (`lastName` `nil` when there is none): the repeat check reads them in place, where binding
    /// an optional tuple copied it (three retains and releases).
    private var lastName: String?
    private var lastSQL = ""
    private var lastTypes: [UInt32] = []
    private var provisionalCount = 0
    private var nextNumber = 0
    /// Hits of the repeated statement, counted here rather than through the generic core's `countHit()` (a call
    /// and a metadata lookup per statement); ``currentStatistics`` adds them to the core's.
    private var repeatHits = 0

    /// Whether statements may be prepared at all. Stored, like ``needsMaintenance``: both are read on every
    /// statement, and a computed property forwarding to `core` made the connection copy the whole cache to read it.
    private(set) var isEnabled: Bool
    /// Whether ``PGConnection`` has bookkeeping to do before the next statement (drop statements, settle a
    /// transaction it did not see end); kept by `settle()` after every change.
    private(set) var needsMaintenance = false

    /// An empty cache with `settings`.
    init(_ settings: StatementCacheSettings) {
        core = PreparedStatementCache(settings)
        isEnabled = core.isEnabled
    }

    /// Runs before preparing; `nil`: never prepare.
    var threshold: Int? { core.threshold }

    /// After a change: forgets the memo and recomputes the flags read on every statement.
    private mutating func settle() {
        lastName = nil
        isEnabled = core.isEnabled
        needsMaintenance = !core.pendingRelease.isEmpty || provisionalCount > 0
    }

    /// The counters, with the number of statements held now.
    var currentStatistics: StatementCacheStatistics {
        var statistics = core.currentStatistics
        statistics.hits += repeatHits
        return statistics
    }

    /// What to do with the statement `sql` with parameters of `types` now; counts the run. A repeat of the
    /// statement run last is answered without building a ``Key`` (two retains and releases). `.unprepared`,
    /// counting nothing, while preparing is off.
    mutating func plan(sql: String, types: [UInt32]) -> Plan {
        if let name = repeatedName(sql: sql, types: types) { return .execute(name) }
        guard isEnabled else { return .unprepared }
        return plan(for: Key(sql: sql, types: types))
    }

    /// The name of the statement run last by name when `sql` with parameters of `types` is that statement again
    /// (counted as a hit: ``plan(sql:types:)``'s `.execute`), else `nil` (nothing counted).
    @inline(__always)
    mutating func repeatedName(sql: String, types: [UInt32]) -> String? {
        // `lastName` is set only while preparing is on (switching it off clears it).
        guard let lastName, lastTypes == types, StatementText.sameBytes(lastSQL, sql) else { return nil }
        repeatHits += 1
        return lastName
    }

    /// What to do with `key` now; counts the run.
    mutating func plan(for key: Key) -> Plan {
        if let name = repeatedName(sql: key.sql, types: key.types) { return .execute(name) }
        // The core checks the threshold.
        switch core.plan(for: key) {
        case .unprepared: return .unprepared
        case .prepare: return .prepare(freshName())
        case .execute(let entry):
            (lastName, lastSQL, lastTypes) = (entry.name, key.sql, key.types)
            return .execute(entry.name)
        }
    }

    /// A statement name this connection has not used: `_pgdriver_1`, `_pgdriver_2`, …
    mutating func freshName() -> String {
        nextNumber += 1
        return "_pgdriver_\(nextNumber)"
    }

    /// Records that `key` was prepared as `name`; `inTransaction` when a transaction block was open.
    mutating func didPrepare(_ key: Key, name: String, inTransaction: Bool) {
        if inTransaction { provisionalCount += 1 }
        if let evicted = core.didPrepare(key, Entry(name: name, provisional: inTransaction)), evicted.provisional {
            provisionalCount -= 1
        }
        settle()
    }

    /// Drops `key`'s prepared statement (the server reported it stale or gone); the server is told later.
    mutating func invalidate(_ key: Key) {
        if let entry = core.invalidate(key, release: true), entry.provisional { provisionalCount -= 1 }
        settle()
    }

    /// Drops every prepared statement; `serverDropped` when the server already has (`DISCARD ALL`, `DEALLOCATE
    /// ALL`), so nothing is left to deallocate.
    mutating func invalidateAll(serverDropped: Bool) {
        core.invalidateAll(serverDropped: serverDropped)
        provisionalCount = 0
        settle()
    }

    /// The transaction block ended: statements prepared in it become permanent (`committed`) or are dropped.
    mutating func transactionEnded(committed: Bool) {
        guard provisionalCount > 0 else { return }
        defer { settle() }
        for (key, entry) in core.entries where entry.provisional {
            if committed {
                core.update(key) { $0.provisional = false }
            } else {
                core.invalidate(key, release: true)
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
        defer { settle() }
        return core.takePendingRelease().map(\.name)
    }

    /// Changes the threshold; `nil` drops every prepared statement (deallocated at the next statement).
    mutating func setThreshold(_ newValue: Int?) {
        core.setThreshold(newValue)
        if core.threshold == nil { provisionalCount = 0 }
        settle()
    }
}
