import DBCore

/// A cursor on an ``MSSQLConnection``: runs statements and reads their results as DB-API does.
///
/// Statements with parameters go as an RPC of `sp_executesql` (values bound server-side, never spliced into the
/// SQL), or by handle once the connection prepared them (``MSSQLConnection/prepareThreshold``); statements
/// without go as a plain batch. Rows are read from the wire as you fetch. A connection has one
/// stream of results: running a statement on another cursor of the same connection discards this cursor's
/// unread results (fetching then throws `DatabaseError.Kind.misuse`). Not `Sendable`: use it from one thread.
public final class MSSQLCursor: DatabaseCursor {
    private let connection: MSSQLConnection
    private var id: ObjectIdentifier { ObjectIdentifier(self) }
    private var rowColumns: RowColumns?
    private var types: [Int] = []
    private var rowsPending = false
    private var resultsPending = false
    private var fetchedInResult = 0
    private var lastAffected: Int?
    private var statementText: String?
    private var closed = false
    /// Rows read ahead from the wire (``DBLibHandle/readRows(types:limit:into:statement:)``), handed out from
    /// `bufferIndex`. Only this cursor's own methods touch it, and none calls out to the caller's code while
    /// modifying it (the one long access, the `inout` of `readRows`, decodes rows only), so the dynamic
    /// exclusivity checks are left out.
    @exclusivity(unchecked) private var buffer: [[SQLValue]] = []
    private var bufferIndex = 0
    /// Whether the read that filled `buffer` reached the end of the result set's rows.
    private var bufferReachedEnd = false
    /// An error met while reading ahead after some rows: thrown once those rows are handed out.
    private var pendingError: (any Error)?
    /// The columns of the last result set, kept across statements to be reused when the next ones are equal.
    private var cachedColumns: RowColumns?
    /// The descriptions last found equal to `cachedColumns`' (the newest array of them): a prepared statement's
    /// result reuses its descriptions array (``DBLibHandle/lastPreparedResult``), which then compares equal at
    /// once, by identity, instead of column by column.
    private var cachedDescriptions: [ColumnDescription] = []
    /// The connection's wire claim this cursor's results belong to (``MSSQLConnection/claimCount``).
    private var claim = 0
    /// The current row ``forEachRowView(_:)`` reads in place (taken from the pool on its first use, reused after,
    /// given back when the cursor is freed).
    private var currentRow: DBLibCurrentRow?
    /// Whether a ``forEachRowView(_:)`` call is running: the cursor refuses other calls until it returns.
    private var viewing = false

    /// The columns of the current result set, or `nil` when the statement returned no rows.
    public private(set) var columns: [ColumnDescription]?
    /// Rows affected by the last INSERT/UPDATE/DELETE, or the rows of the current result set once all are read;
    /// `-1` when unknown.
    public private(set) var rowCount: Int = -1
    /// How many rows ``fetchMany()`` returns by default.
    public var arraySize: Int = 1

    init(connection: MSSQLConnection) {
        self.connection = connection
    }

    deinit {
        if !closed { connection.release(ObjectIdentifier(self)) }
        if let currentRow { DBLibCurrentRow.recycle(currentRow) }
    }

    /// `SQLDialect.sqlServer`.
    public var dialect: SQLDialect { .sqlServer }

    private func ensureOpen() throws {
        if closed { throw DatabaseError.misuse("the cursor is closed") }
        if viewing {
            throw DatabaseError.misuse("the cursor is reading rows in forEachRowView; use it after that call")
        }
    }

    private func reset(_ sql: String) {
        rowColumns = nil
        columns = nil
        types = []
        rowsPending = false
        resultsPending = false
        fetchedInResult = 0
        lastAffected = nil
        rowCount = -1
        statementText = sql
        clearBuffer()
    }

    private func clearBuffer() {
        // Twice per statement (reset, then the first result set): the second time there is nothing to remove.
        if !buffer.isEmpty { buffer.removeAll(keepingCapacity: true) }
        bufferIndex = 0
        bufferReachedEnd = false
        pendingError = nil
    }

    /// How many rows one read from the wire decodes ahead: enough to spread the cost of a DB-Library wait, few
    /// enough that rows read ahead and then discarded (another statement ran) cost nothing noticeable.
    static let readAhead = 256

    /// Runs a statement with `@P1…` placeholders; its values are sent as typed `sp_executesql` (or `sp_execute`)
    /// parameters.
    public func execute(_ statement: BoundStatement) throws {
        try ensureOpen()
        reset(statement.sql)
        try connection.withHandle(owner: id, claim: true) { handle in
            let start = {
                self.claim = self.connection.claimCount
                self.resultsPending = true
                try self.advance(handle)
            }
            if statement.parameters.isEmpty {
                try handle.sendBatch(statement.sql)
                try start()
            } else {
                // sp_executesql, or by a prepared statement's handle (MSSQLConnection+StatementCache).
                try connection.runParameterized(statement, on: handle, start: start)
            }
        }
    }

    /// Reads results until the next result set with columns (`true`) or the end (`false`).
    private func advance(_ handle: DBLibHandle) throws {
        while resultsPending {
            switch try handle.nextResult(statement: statementText) {
            case .rows(let descriptions, let columnTypes):
                columns = descriptions
                // A statement run again (point queries) returns the same columns: their name index is built once.
                if let cached = cachedColumns, cachedDescriptions == descriptions {
                    rowColumns = cached
                    cachedDescriptions = descriptions
                } else {
                    let made = RowColumns(descriptions)
                    cachedColumns = made
                    cachedDescriptions = descriptions
                    rowColumns = made
                }
                types = columnTypes
                rowsPending = true
                fetchedInResult = 0
                rowCount = -1
                clearBuffer()
                return
            case .done(let count):
                if let count, count >= 0 { lastAffected = count }
            case .end:
                resultsPending = false
            }
        }
        columns = nil
        rowColumns = nil
        rowCount = lastAffected ?? -1
    }

    /// Runs the statement once per parameter set, many sets per round trip; ``rowCount`` is the total affected.
    ///
    /// A single plain `INSERT [INTO] t [(columns)] VALUES (…)` goes as one multi-row `INSERT … VALUES (…), (…)`
    /// per chunk of up to 1000 sets (and 1000 parameters): a chunk is one statement, so it is all-or-nothing, and
    /// a failure names the chunk's range of sets (`parameter sets 400…799 … failed: `) before the server's message,
    /// whose number and kind the error keeps; earlier chunks stay (committed in autocommit mode, else in the open
    /// transaction). Any other statement runs once per set inside one `sp_executesql` call per chunk; the first
    /// failing set stops the run and its index is in the error (`parameter set 700 failed: `), the sets before it
    /// having run.
    public func executeMany(_ sql: String, parameterSets: [[SQLValue]]) throws {
        try ensureOpen()
        reset(sql)
        let total = try connection.withHandle(owner: id, claim: true) { handle in
            try MSSQLBatchedExecuteMany.run(sql, parameterSets: parameterSets, on: handle)
        }
        rowCount = total
    }

    /// The next row of the current result set, or `nil` at its end.
    public func fetchOne() throws -> Row? {
        try ensureOpen()
        guard let rowColumns else { throw DatabaseError.misuse("the last statement returned no result set") }
        guard rowsPending else { return nil }
        if bufferIndex == buffer.count {
            try refill()
            if bufferIndex == buffer.count {
                rowsPending = false
                rowCount = fetchedInResult
                return nil
            }
        } else if connection.claimCount != claim {
            // Another statement ran (or the connection closed): the rows read ahead are gone with the results.
            try connection.withHandle(owner: id) { _ in }
            throw DatabaseError.misuse(
                "another statement ran on this connection since; this cursor's pending results were discarded")
        }
        let values = buffer[bufferIndex]
        bufferIndex += 1
        fetchedInResult += 1
        return Row(columns: rowColumns, values: values)
    }

    /// Reads the next rows ahead into `buffer` (none when the result set ended), or throws the error met after the
    /// rows handed out last.
    private func refill() throws {
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        buffer.removeAll(keepingCapacity: true)
        bufferIndex = 0
        guard !bufferReachedEnd else { return }
        do {
            let end = try connection.withHandle(owner: id) { handle in
                try handle.readRows(types: types, limit: Self.readAhead, into: &buffer, statement: statementText)
            }
            bufferReachedEnd = end == .endOfRows
        } catch {
            // Rows decoded before the error go out first, as they would have one at a time.
            guard !buffer.isEmpty else { throw error }
            pendingError = error
        }
    }

    /// Calls `body` with each remaining row of the current result set, read in place: each view reads DB-Library's
    /// current row (`dbdata`), decoding a value only when asked (text becomes a `String` only through
    /// `RowView.string(at:)` or `RowView.value(at:)`); nothing is copied or allocated per row. A view is valid only
    /// during its call; `RowView.makeRow()` keeps a row.
    ///
    /// Rows already read ahead by ``fetchOne()`` come first. While `body` runs, this cursor refuses other calls
    /// (`DatabaseError.Kind.misuse`), and so does the connection from inside `body` (the cursor holds its
    /// `DBPROCESS` then; a statement on another cursor, `commit()`, `ping()`… throw `misuse`, and ``close()`` or the
    /// connection's `close()` take effect when the current batch of rows ends). Other threads wait for the
    /// connection until the current batch of up to 256 rows ends. If `body` throws, the rows after its row stay
    /// to be fetched.
    public func forEachRowView(_ body: (any RowView) throws -> Void) throws {
        try ensureOpen()
        guard let resultColumns = rowColumns else {
            throw DatabaseError.misuse("the last statement returned no result set")
        }
        while bufferIndex < buffer.count, let row = try fetchOne() {
            viewing = true
            defer { viewing = false }
            try body(row)
        }
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        let row = currentRow ?? DBLibCurrentRow.take()
        currentRow = row
        row.begin(columns: resultColumns, types: types)
        viewing = true
        defer {
            viewing = false
            row.leave()
        }
        while rowsPending && !closed {
            if bufferReachedEnd {
                rowsPending = false
                rowCount = fetchedInResult
                return
            }
            bufferReachedEnd = try connection.withHandle(owner: id) { handle in
                try connection.readingInPlace { try readBatchInPlace(handle, into: row, body) }
            }
        }
    }

    /// Reads up to ``readAhead`` rows in place in ONE DB-Library wait (the cursor's per-row cost is then the
    /// reading alone, not a wait's bookkeeping), `row` attached to the `DBPROCESS` for the batch, and calls `body`
    /// with each row's view while it is DB-Library's current row; `true` when the result set has no more rows. Stops
    /// after a row whose body closed this cursor or the connection (done when the batch ends); the rows after one
    /// whose body throws stay unread in DB-Library, for the next read.
    private func readBatchInPlace(
        _ handle: DBLibHandle, into row: DBLibCurrentRow, _ body: (any RowView) throws -> Void
    ) throws -> Bool {
        // Held once for the batch, so that the loop retains and releases nothing per row.
        let statement = statementText
        let connection = self.connection
        return try handle.waiting(statement: statement) { dbproc in
            row.attach(dbproc)
            defer { row.detach(dbproc) }
            var count = 0
            while count < Self.readAhead {
                guard try DBLibHandle.nextRowInPlace(dbproc, statement: statement) else { return true }
                count &+= 1
                fetchedInResult &+= 1
                try body(MSSQLRowView(row: row, sequence: row.enter()))
                if closed || connection.claimCount != claim { return false }
            }
            return false
        }
    }

    /// Up to `count` further rows.
    public func fetchMany(_ count: Int) throws -> [Row] {
        var rows: [Row] = []
        while rows.count < count, let row = try fetchOne() { rows.append(row) }
        return rows
    }

    /// All remaining rows of the current result set.
    public func fetchAll() throws -> [Row] {
        var rows: [Row] = []
        while let row = try fetchOne() { rows.append(row) }
        return rows
    }

    /// Moves to the next result set; unread rows of the current one are discarded.
    public func nextResultSet() throws -> Bool {
        try ensureOpen()
        if let error = pendingError {
            // The read-ahead met an error after the rows handed out (and DB-Library already cancelled the rest of
            // the batch): it is this statement's outcome, not something to skip.
            rowsPending = false
            resultsPending = false
            clearBuffer()
            throw error
        }
        guard resultsPending || rowsPending else { return false }
        try connection.withHandle(owner: id) { handle in
            if rowsPending {
                if !bufferReachedEnd { try handle.discardRows(statement: statementText) }
                rowsPending = false
                clearBuffer()
            }
            columns = nil
            rowColumns = nil
            try advance(handle)
        }
        return columns != nil
    }

    /// Discards pending results and releases the cursor. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        connection.release(id)
    }
}
