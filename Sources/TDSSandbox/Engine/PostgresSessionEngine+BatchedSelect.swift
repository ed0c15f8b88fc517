import DBCore
import PGDriver

/// Plain SELECTs read through a PostgreSQL cursor, many rows per `FETCH`.
///
/// libpq's single-row mode (the general path) makes, copies and frees a `PGresult` per row, about half of what
/// the sandbox spends on a row. A plain SELECT without parameters instead opens a cursor and reads
/// ``batchedFetchSize`` rows per result, which keeps memory bounded as single-row mode does (at most two batches
/// at a time: the next `FETCH` is sent as soon as a full batch arrives, so PostgreSQL produces it meanwhile):
///
/// - outside a transaction, one round trip sends the catalog fingerprint, `BEGIN`, `DECLARE … BINARY NO SCROLL
///   CURSOR FOR <select>` and the first `FETCH`; the end is `COMMIT` (an error or a cancel: `ROLLBACK`), so the
///   statement is as atomic as in autocommit;
/// - inside the session's transaction (where the statement already runs in its savepoint), the same without
///   `BEGIN`, and `CLOSE` at the end; an error leaves the transaction as the failing SELECT itself would.
///
/// T-SQL's semantics stay: an error in a later batch comes after the rows of the batches before it (a `FETCH`
/// that fails sends none of its own rows, where single-row mode would have sent the rows before the failing
/// one); a cancel is seen between batches; the row count is the rows sent.
extension PostgresSessionEngine {
    /// Rows per `FETCH`.
    static let batchedFetchSize = 1_000
    /// The cursor's name (one at a time per session: it is closed when the statement ends).
    static let batchedCursorName = "tds_sandbox_rows"

    /// Whether `sql` is a single plain SELECT that `DECLARE … CURSOR FOR` accepts: it starts with `SELECT` and
    /// has no `;` and no `INTO` word anywhere (conservatively, even inside literals; those take the general path).
    static func isPlainSelect(_ sql: String) -> Bool {
        var utf8 = Substring(sql).utf8.drop(while: { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 })
        let keyword = Array("select".utf8)
        guard utf8.count > keyword.count else { return false }
        for expected in keyword {
            guard let byte = utf8.first, byte | 0x20 == expected else { return false }
            utf8 = utf8.dropFirst()
        }
        guard let after = utf8.first, !isIdentifierByte(after) else { return false }
        var previous: UInt8 = 32
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: ";") { return false }
            if byte | 0x20 == UInt8(ascii: "i"), !isIdentifierByte(previous), matchesInto(utf8[index...]) {
                return false
            }
            previous = byte
            index = utf8.index(after: index)
        }
        return true
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= 97 && lower <= 122) || (byte >= 48 && byte <= 57) || byte == 95 || byte == 36 || byte >= 128
    }

    private static func matchesInto(_ text: Substring.UTF8View.SubSequence) -> Bool {
        var rest = text[...]
        for expected in "into".utf8 {
            guard let byte = rest.first, byte | 0x20 == expected else { return false }
            rest = rest.dropFirst()
        }
        return rest.first.map { !isIdentifierByte($0) } ?? true
    }

    /// Runs a plain SELECT without parameters through a cursor (see the extension's overview) and streams its
    /// rows as ``SandboxEvent/rowBatch(_:)`` events, one per `FETCH`; returns the rows sent.
    func runBatchedSelect(
        _ query: PostgresQuery, on connection: PGConnection, emit: (SandboxEvent) throws -> Void
    ) throws -> Int {
        let ownsTransaction = state.tranCount == 0
        let name = Self.batchedCursorName
        let size = Self.batchedFetchSize
        let fetch = "FETCH \(size) FROM \(name)"
        var open = SandboxCatalog.fingerprintSQL + "; "
        if ownsTransaction { open += "BEGIN; " }
        // (A new line ends a `--` comment the statement may end with, which would otherwise swallow the FETCH.)
        open += "DECLARE \(name) BINARY NO SCROLL CURSOR FOR " + query.sql + "\n; " + fetch
        let cursor = try connection.makeCursor()
        defer { cursor.close() }
        var ended = false
        defer {
            // An error or a cancel: end the statement's transaction, or close the cursor in the session's.
            if !ended { try? runSilently(ownsTransaction ? "ROLLBACK" : "CLOSE \(name)") }
        }
        try cursor.execute(BoundStatement(sql: open, parameters: []))
        // The fingerprint (text, as the simple protocol sends it), then BEGIN, DECLARE and the first FETCH.
        if case .int(let version)? = try cursor.fetchOne()?.values.first {
            try SandboxCatalog.reload(&state.catalog, on: connection, ifNot: version)
        }
        var descriptions: [ColumnDescription]?
        while descriptions == nil, try cursor.nextResultSet() { descriptions = cursor.columns }
        guard let descriptions else { throw DatabaseError.misuse("the cursor's FETCH returned no result set") }
        var batches = try CursorBatches(
            connection: connection, fetchSQL: fetch, size: size, engine: self, first: try cursor.nextRowBatch())
        let count = try streamRowBatches(&batches, descriptions: descriptions, query: query, emit: emit)
        ended = true
        try runSilently(ownsTransaction ? "COMMIT" : "CLOSE \(name)")
        return count
    }
}

/// The batches of a cursor, ``PostgresSessionEngine/batchedFetchSize`` rows each: one libpq result per `FETCH`.
/// The next `FETCH` is sent as soon as a full batch arrives (``PGConnection/sendAhead(_:)``), so that PostgreSQL
/// produces it while this batch is encoded; a short batch is the last. A cancel is checked before each batch after
/// the first is read (a pending `FETCH` is then read and dropped by the statement's `ROLLBACK` or `CLOSE`).
struct CursorBatches {
    let connection: PGConnection
    let fetchSQL: String
    let size: Int
    let engine: PostgresSessionEngine
    /// The first batch, until it is taken.
    var first: PGRowBatch?
    var pending: PGPendingRows?

    init(
        connection: PGConnection, fetchSQL: String, size: Int, engine: PostgresSessionEngine, first: PGRowBatch?
    ) throws {
        self.connection = connection
        self.fetchSQL = fetchSQL
        self.size = size
        self.engine = engine
        self.first = first
        if first?.count == size { pending = try connection.sendAhead(fetchSQL) }
    }

    /// The next batch, or `nil` after the last.
    mutating func next() throws -> PGRowBatch? {
        if let batch = first {
            first = nil
            return batch
        }
        guard let request = pending else { return nil }
        if engine.cancelRequested { throw DatabaseError(kind: .cancelled, message: "cancelled by the client") }
        pending = nil
        let batch = try connection.receiveRows(request)
        if batch?.count == size { pending = try connection.sendAhead(fetchSQL) }
        return batch
    }
}

extension PostgresSessionEngine {
    /// Streams a cursor's result set as ``SandboxEvent/rowBatch(_:)`` events, one per `FETCH`; returns the rows
    /// sent. As ``streamRowViews(_:descriptions:query:emit:)`` does, COLMETADATA goes out after the first batch is
    /// read (an unconstrained `numeric` column's scale comes from its first ``fetchBatchSize`` rows).
    func streamRowBatches(
        _ batches: inout CursorBatches, descriptions: [ColumnDescription], query: PostgresQuery,
        emit: (SandboxEvent) throws -> Void
    ) throws -> Int {
        let first = try batches.next()
        // Only a `numeric` column may need the sample rows (decoded as the SQLValue path decodes them).
        var samples: [Row] = []
        if let first, descriptions.contains(where: { $0.nativeTypeID == 1700 }) {
            let sampleColumns = RowColumns(descriptions)
            for index in 0..<min(first.count, Self.fetchBatchSize) {
                let view = first.row(index)
                samples.append(Row(columns: sampleColumns, values: try (0..<view.count).map { try view.value($0) }))
            }
        }
        let columns = try ResultTyping.columns(
            descriptions, output: query.columns, catalog: state.catalog, sampleRows: samples)
        try emit(.columns(columns))
        var count = 0
        var next = first
        while let batch = next {
            if batch.count > 0 { try emit(.rowBatch(SandboxRowBatch(batch: batch, columns: columns))) }
            count += batch.count
            next = try batches.next()
        }
        return count
    }
}
