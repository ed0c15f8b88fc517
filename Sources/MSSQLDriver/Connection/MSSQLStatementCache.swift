import DBCore

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
typealias MSSQLStatementCache = PreparedStatementCache<MSSQLStatementKey, Int32>

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
