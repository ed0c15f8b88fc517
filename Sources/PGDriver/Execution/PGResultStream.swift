/// The results of a statement still arriving from the server in single-row mode (``PGCursor/streamsResults``).
///
/// While a stream is open its connection is busy: the next statement on the connection (from any cursor),
/// `commit()` or `rollback()` first reads and drops the rest of the stream, after which the stream is
/// ``abandoned`` and its cursor's next fetch throws ``DBCore/DatabaseError/Kind/misuse``.
final class PGResultStream {
    /// The statement, for errors.
    let statement: String
    /// A result read ahead (the first one, read by `execute` to report errors early).
    var lookahead: PQResult?
    /// Whether every result has arrived.
    var finished = false
    /// Whether another statement took the connection before this stream was read to its end.
    var abandoned = false

    init(statement: String, lookahead: PQResult?) {
        self.statement = statement
        self.lookahead = lookahead
    }
}
