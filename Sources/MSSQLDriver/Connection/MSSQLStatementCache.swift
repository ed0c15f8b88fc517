import DBCore
import Foundation

/// The automatic prepared-statement cache of one ``MSSQLConnection`` (DBCore's shared policy, keyed by
/// ``MSSQLStatementKey``, holding server handles): which parameterised statements run often
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
    /// What to do with a statement now.
    enum Plan: Equatable {
        /// Run it as `sp_executesql`.
        case unprepared
        /// Prepare it (`sp_prepare`), then run it by handle.
        case prepare
        /// Run the prepared statement of this handle (`sp_execute`).
        case execute(Int32)
    }

    /// The shared policy: run counts, the prepared handles, what to unprepare, the counters.
    private var core: PreparedStatementCache<MSSQLStatementKey, Int32>
    /// The handle of the statement run last by handle, with its text and declarations, when nothing changed since:
    /// it is the most recently used entry already, so running it again needs neither the key's hash and look-up
    /// nor the reordering (a loop of the same point query is the common case). Every change clears it.
    private var lastHandle: Int32?
    private var lastSQL = ""
    private var lastDeclarations = ""
    /// The declarations of the memo's arguments one by one (`lastDeclarations` is made of them): a repeat is
    /// recognised from them before its `@params` text is built (``repeatedHandle(sql:arguments:)``).
    private var lastArgumentDeclarations: [String] = []

    /// Whether statements may be prepared at all. Stored, like ``hasPendingRelease``: both are read on every
    /// statement, where a computed property forwarding to `core` copied the whole cache.
    private(set) var isEnabled: Bool
    /// Whether handles wait to be unprepared before the next statement.
    private(set) var hasPendingRelease = false

    /// An empty cache with `settings`.
    init(_ settings: StatementCacheSettings) {
        core = PreparedStatementCache(settings)
        isEnabled = core.isEnabled
    }

    /// Runs before preparing; `nil`: never prepare.
    var threshold: Int? { core.threshold }

    /// The counters, with the number of statements held now.
    var currentStatistics: StatementCacheStatistics { core.currentStatistics }

    /// After a change: forgets the memo and recomputes the flags read on every statement.
    private mutating func settle() {
        lastHandle = nil
        isEnabled = core.isEnabled
        hasPendingRelease = !core.pendingRelease.isEmpty
    }

    /// The handle of the statement run last by handle when `sql` with `arguments` is that statement again (the same
    /// text, and arguments declared the same, so the same `@params` text), counted as a hit; `nil` otherwise (then
    /// ask ``plan(sql:declarations:arguments:)``).
    mutating func repeatedHandle(sql: String, arguments: [EncodedParameter]) -> Int32? {
        guard let lastHandle, arguments.count == lastArgumentDeclarations.count, StatementText.sameBytes(lastSQL, sql)
        else {
            return nil
        }
        for index in arguments.indices where arguments[index].declaration != lastArgumentDeclarations[index] {
            return nil
        }
        core.countHit()
        return lastHandle
    }

    /// What to do with the statement `sql` declared as `declarations` (the `@params` text of `arguments`) now;
    /// counts the run. A repeat of the statement run last by handle is answered without building a
    /// ``MSSQLStatementKey``. `.unprepared`, counting nothing, while preparing is off.
    mutating func plan(sql: String, declarations: String, arguments: [EncodedParameter]) -> Plan {
        guard isEnabled else { return .unprepared }
        // `lastHandle` is set only while preparing is on (switching it off clears it).
        if let lastHandle, StatementText.sameBytes(lastSQL, sql),
            StatementText.sameBytes(lastDeclarations, declarations)
        {
            core.countHit()
            return .execute(lastHandle)
        }
        let key = MSSQLStatementKey(sql: sql, declarations: declarations)
        switch core.plan(for: key) {
        case .unprepared: return .unprepared
        case .prepare: return .prepare
        case .execute(let handle):
            (lastHandle, lastSQL, lastDeclarations) = (handle, sql, declarations)
            lastArgumentDeclarations = arguments.map(\.declaration)
            return .execute(handle)
        }
    }

    /// Records that `sql` with `declarations` was prepared as `handle`; a handle evicted to make room waits to be
    /// unprepared.
    mutating func didPrepare(sql: String, declarations: String, _ handle: Int32) {
        core.didPrepare(MSSQLStatementKey(sql: sql, declarations: declarations), handle)
        settle()
    }

    /// Drops the statement's handle; `release` when the server still holds it (it is unprepared before the next
    /// statement), not when the server already forgot it.
    mutating func invalidate(sql: String, declarations: String, release: Bool) {
        core.invalidate(MSSQLStatementKey(sql: sql, declarations: declarations), release: release)
        settle()
    }

    /// Drops every handle; `serverDropped` when the server already has (`sp_reset_connection`), so nothing is
    /// left to unprepare.
    mutating func invalidateAll(serverDropped: Bool) {
        core.invalidateAll(serverDropped: serverDropped)
        settle()
    }

    /// Hands over the handles to unprepare, forgetting them.
    mutating func takePendingRelease() -> [Int32] {
        defer { settle() }
        return core.takePendingRelease()
    }

    /// Changes the threshold; `nil` drops every prepared statement (unprepared before the next statement).
    mutating func setThreshold(_ newValue: Int?) {
        core.setThreshold(newValue)
        settle()
    }
}

/// A SQL Server statement for the cache: its text as sent and its `@params` declaration string, compared by their
/// UTF-8 bytes and hashed with FNV-1a (``StatementText``).
struct MSSQLStatementKey: Hashable {
    var sql: String
    var declarations: String

    static func == (lhs: MSSQLStatementKey, rhs: MSSQLStatementKey) -> Bool {
        StatementText.sameBytes(lhs.sql, rhs.sql) && StatementText.sameBytes(lhs.declarations, rhs.declarations)
    }

    func hash(into hasher: inout Hasher) {
        // 0xFF never occurs in UTF-8: it separates the two texts.
        let first = StatementText.hash(sql)
        hasher.combine(StatementText.hash(declarations, seed: (first ^ 0xff) &* 0x100_0000_01b3))
    }
}
