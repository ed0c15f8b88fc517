import DBCore

/// Runs statements on a ``PGConnection`` and reads their results, as a DB-API cursor does.
///
/// By default a cursor receives each statement's whole result before `execute` returns (libpq buffers it; the
/// fastest way to read results that fit in memory). Set ``streamsResults`` to read huge results in constant
/// memory instead. A cursor is not `Sendable`: use it from one thread or task at a time.
public final class PGCursor: DatabaseCursor {
    /// PostgreSQL: `$n` placeholders.
    public var dialect: SQLDialect { .postgresql }

    /// How many rows ``fetchMany()`` returns when asked for none in particular. 1 by default.
    public var arraySize = 1

    /// Whether statements stream their rows (libpq single-row mode) instead of buffering the whole result.
    ///
    /// Streaming keeps memory constant however many rows a SELECT returns, at a cost: each row arrives as its own
    /// libpq result (slower per row than the buffered path), ``rowCount`` is -1 until the last row is read, an
    /// error in the middle of the result (say, division by zero at row 1000) surfaces from a fetch rather than
    /// from `execute`, and the connection stays busy until the rows are read or the cursor is closed: another
    /// statement on the same connection first reads and drops the rest of the stream.
    public var streamsResults: Bool {
        get { streaming }
        set { streaming = newValue }
    }
    /// ``streamsResults``' storage. The public properties are computed over private storage: a public stored
    /// property can be accessed from other modules, so every access here paid a dynamic exclusivity check
    /// (`swift_beginAccess`); the private storage's accesses are all visible to the compiler, which checks them
    /// statically.
    private var streaming = false

    let connection: PGConnection
    private var source: PGResultSource?
    private var bufferedIndex = 0
    private var closed = false

    // The current result set: its columns (one object: descriptions, decoders, formats), `nil` when the statement
    // returned no rows, and its libpq result.
    private var described: PQDescribedColumns?
    var current: PQResult?
    private var currentRowCount = 0
    var rowIndex = 0
    private var setEnded = true
    var rowsSeen = 0
    /// A result of the next statement, read while looking for the end of a streamed set.
    private var pendingNext: PQResult?
    /// The last result set's columns, reused while statements return the same columns.
    private var lastDescribed: PQDescribedColumns?
    /// The prepared statement whose result `lastDescribed` describes (`nil`: an unprepared statement).
    private var lastDescribedStatement: String?
    /// Whether the last complete result set of `lastDescribedStatement` was tagged `SELECT n`: a prepared statement
    /// that is a SELECT stays one (the server may plan it again, never as another command), so its next results
    /// count their rows without reading the tag.
    private var lastStatementSelects = false
    /// The values array of the last row ``fetchOne()`` returned, also held by that row. When the caller has let
    /// the row go, the next row is decoded into the same buffer (its old values overwritten in place) instead of
    /// a new array per row; while the caller still holds it, copy-on-write leaves it alone and the next row gets
    /// a copy. The next statement's first row overwrites its values when it has as many columns; otherwise they are
    /// set to `.null` when that statement's result arrives (or it fails), as at the end of a result set, so no
    /// value outlives its row past the next statement.
    /// `@exclusivity(unchecked)`: swapped and emptied in place, which cost three run-time exclusivity checks per
    /// statement; a cursor is used from one thread at a time and these accesses never nest.
    @exclusivity(unchecked) private var recycledValues: [SQLValue] = []

    /// Rows affected by the last INSERT/UPDATE/DELETE (the total for ``executeMany(_:parameterSets:)``), or the
    /// rows of the current result set once known (at once when buffered, after the last row when streaming);
    /// -1 otherwise.
    public var rowCount: Int { affected }
    /// ``rowCount``'s storage.
    private var affected = -1

    init(connection: PGConnection) {
        self.connection = connection
    }

    deinit { close() }

    /// The columns of the current result set, or `nil` when the statement returned no rows.
    public var columns: [ColumnDescription]? { described?.columns.descriptions }

    /// The current result set's decoders, one per column (none without a result set).
    var decoders: [PQColumnDecoder] { described?.decoders ?? [] }
    /// Whether each column of the current result set arrived in binary format.
    var binaryColumns: [Bool] { described?.binary ?? [] }

    /// Runs a statement with `$n` placeholders; the values go as typed, server-side parameters.
    public func execute(_ statement: BoundStatement) throws {
        try checkOpen()
        // The last result set's columns stay in ``described`` until ``startSet(_:prepared:)`` assigns it, which
        // leaves a repeated statement's alone (no release here and retain there).
        let spare = reset(keepingColumns: true)
        do {
            let (source, prepared) = try connection.run(statement, streaming: streaming, reusing: consume spare)
            self.source = consume source
            try startSet(try nextResult(), prepared: prepared)
        } catch {
            // No result set: the last row's values go now (``startSet(_:prepared:)`` lets them go otherwise).
            described = nil
            releaseRecycledValues()
            throw error
        }
    }

    /// Runs one statement once per parameter set, prepared once and pipelined (libpq pipeline mode: the sets go
    /// out without waiting for each result); ``rowCount`` is the total of affected rows.
    ///
    /// The first failing set stops the run with its error, whose message starts with `parameter set N failed`
    /// (0-based). With autocommit off all sets run in the current transaction (left failed on error, as for any
    /// statement); with autocommit on they run as one implicit transaction: all sets commit, or none.
    public func executeMany(_ sql: String, parameterSets: [[SQLValue]]) throws {
        try checkOpen()
        reset()
        releaseRecycledValues()
        affected = try connection.runMany(sql, parameterSets: parameterSets)
    }

    /// Moves to the next result set of the last statement (several statements in one `execute`); `false` when
    /// there is none.
    public func nextResultSet() throws -> Bool {
        try checkOpen()
        guard source != nil else { return false }
        if described != nil {
            while try refill() { rowIndex = currentRowCount }
        }
        let next: PQResult?
        if let pendingNext {
            next = pendingNext
            self.pendingNext = nil
        } else {
            next = try nextResult()
        }
        guard let next else {
            described = nil
            current = nil
            return false
        }
        try startSet(next, prepared: nil)
        return true
    }

    /// Drops pending results (reading the rest of a stream) and releases the cursor. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        if case .stream(let stream) = source { connection.abandon(stream) }
        reset()
        recycledValues = []
    }

    // MARK: - Result sets

    func checkOpen() throws {
        if closed { throw DatabaseError.misuse("the cursor is closed") }
        if connection.isClosed { throw PQHandle.closedError }
    }

    /// Forgets the last statement's results. Returns the wrapper of its single result when nothing else holds it
    /// (no row batch or view), for the next statement to reuse. `keepingColumns`: ``described`` is left for the
    /// caller to assign (``execute(_:)``: ``startSet(_:prepared:)`` assigns it, or the error path clears it).
    @discardableResult
    private func reset(keepingColumns: Bool = false) -> PQResult? {
        if case .stream(let stream) = source, !stream.finished { connection.abandon(stream) }
        var spare: PQResult?
        // Moved out (`take`), not copied: no retain and release.
        if case .single(let result) = source.take() { spare = result }
        bufferedIndex = 0
        if !keepingColumns { described = nil }
        current = nil
        currentRowCount = 0
        rowIndex = 0
        setEnded = true
        rowsSeen = 0
        pendingNext = nil
        affected = -1
        // Moved out of the optional (`consume`), not copied: no retain and release.
        guard isKnownUniquelyReferenced(&spare), let result = consume spare else { return nil }
        result.clear()
        return result
    }

    /// Lets the last row's values go: each set to `.null` in place (destroyed by code specialised for `SQLValue`;
    /// emptying the array goes through the runtime's generic per-element destroy), so that a later fetch of as
    /// many columns overwrites them. A buffer a row the caller holds still shares is copied first (the caller's row
    /// keeps its values).
    private func releaseRecycledValues() {
        guard !recycledValues.isEmpty else { return }
        recycledValues.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = .null }
        }
    }

    /// The next result of the statement (inlined: a call per statement for the one result cost ~20 instructions).
    @inline(__always)
    private func nextResult() throws -> PQResult? {
        switch source {
        case .buffered(let results):
            guard bufferedIndex < results.count else { return nil }
            bufferedIndex += 1
            return results[bufferedIndex - 1]
        case .single(let result):
            guard bufferedIndex == 0 else { return nil }
            bufferedIndex = 1
            return result
        case .stream(let stream):
            return try connection.pull(stream)
        case nil:
            return nil
        }
    }

    /// Starts the result set of `result`; `prepared` names the prepared statement it came from, if any.
    /// `result` is taken (`consuming`): stored into ``current`` without a retain and a release.
    private func startSet(_ result: consuming PQResult?, prepared: borrowing String?) throws {
        rowIndex = 0
        currentRowCount = 0
        rowsSeen = 0
        guard let result = consume result else {
            current = nil
            described = nil
            setEnded = true
            releaseRecycledValues()
            return
        }
        let kind = result.kind
        switch kind {
        case .rows, .singleRow:
            let sameStatement = prepared != nil && prepared == lastDescribedStatement
            // Borrowed, not retained for the call (a retain and a release per statement): nothing assigns
            // `lastDescribed` until the call returns.
            let reuse =
                self.lastDescribed != nil
                && Unmanaged.passUnretained(self.lastDescribed.unsafelyUnwrapped)._withUnsafeGuaranteedRef {
                    result.hasColumns(like: $0, sameStatement: sameStatement)
                }
            // Assigned only when they change (a repeated statement keeps both): each assignment retains the new
            // value and releases the old.
            if !reuse {
                let columns = result.describedColumns()
                lastDescribed = columns
                described = consume columns
            } else if described !== lastDescribed {
                described = lastDescribed
            }
            if !sameStatement { lastDescribedStatement = copy prepared }
            // Kept for the first row to overwrite when it has as many columns; else let go now.
            if recycledValues.count != described.unsafelyUnwrapped.decoders.count { releaseRecycledValues() }
            currentRowCount = result.rowCount
            setEnded = kind == .rows
            if !setEnded {
                affected = -1
            } else if sameStatement && lastStatementSelects {
                affected = currentRowCount
            } else {
                lastStatementSelects = prepared != nil && result.isSelect
                affected = lastStatementSelects ? currentRowCount : result.resultSetRowCount
            }
            current = consume result
        default:
            current = nil
            described = nil
            setEnded = true
            affected = result.affectedRows ?? -1
            releaseRecycledValues()
        }
    }

    /// Makes sure a row is ready in `current`; `false` at the end of the set. Pulls further results when
    /// streaming.
    func refill() throws -> Bool {
        while true {
            if current != nil, rowIndex < currentRowCount { return true }
            if setEnded { return false }
            guard let result = try nextResult() else {
                endStreamedSet()
                return false
            }
            switch result.kind {
            case .singleRow:
                current = result
                currentRowCount = result.rowCount
                rowIndex = 0
            case .rows:
                // The end of a streamed set (no rows of its own in single-row mode).
                current = result
                currentRowCount = result.rowCount
                rowIndex = 0
                endStreamedSet(keepCurrent: true)
            default:
                pendingNext = result
                endStreamedSet()
                return false
            }
        }
    }

    private func endStreamedSet(keepCurrent: Bool = false) {
        setEnded = true
        if !keepCurrent { current = nil }
        affected = rowsSeen + (keepCurrent ? currentRowCount : 0)
    }

    // MARK: - Fetching

    /// The next row of the current result set, or `nil` when none is left.
    public func fetchOne() throws -> Row? {
        try fetchRow(recycling: true)
    }

    /// Up to `count` further rows of the current result set.
    public func fetchMany(_ count: Int) throws -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(max(0, min(count, 1024)))
        while rows.count < count, let row = try fetchRow(recycling: false) { rows.append(row) }
        return rows
    }

    /// All remaining rows of the current result set.
    public func fetchAll() throws -> [Row] {
        var rows: [Row] = []
        if !streaming, current != nil { rows.reserveCapacity(max(0, currentRowCount - rowIndex)) }
        while let row = try fetchRow(recycling: false) { rows.append(row) }
        return rows
    }

    /// The next row, or `nil` when none is left. `recycling`: decoded into ``recycledValues``' buffer when the
    /// caller no longer holds the previous row (``fetchOne()``); ``fetchMany(_:)`` and ``fetchAll()`` keep every
    /// row, so they allocate each row's array without the bookkeeping.
    @inline(__always)
    private func fetchRow(recycling: Bool) throws -> Row? {
        try checkOpen()
        guard self.described != nil else {
            throw DatabaseError.misuse("no result set: the last statement returned no rows")
        }
        // A row left in the current result (checked here first: the call cost ~25 instructions a row).
        let ready = self.current != nil && rowIndex < currentRowCount
        guard try ready || refill(), self.current != nil else {
            // The end of the set: the last row's values go now, not at the next statement.
            releaseRecycledValues()
            return nil
        }
        // Borrowed, not retained (a retain and a release each per row): the cursor's own properties keep both alive
        // while the row is decoded, and nothing below assigns them (`decodeRow` does not reach the cursor).
        let described = Unmanaged.passUnretained(self.described.unsafelyUnwrapped)
        let current = Unmanaged.passUnretained(self.current.unsafelyUnwrapped)
        let row = rowIndex
        let values: [SQLValue]
        if recycling {
            // Decoded in place in ``recycledValues`` (no swap in and out: a release per row). The same number of
            // columns: each old value is overwritten (destroyed by specialised code; a buffer a row the caller holds
            // still shares is copied first). Else emptied and appended to.
            let overwrite = recycledValues.count == described._withUnsafeGuaranteedRef { $0.decoders.count }
            if !overwrite, !recycledValues.isEmpty { recycledValues.removeAll(keepingCapacity: true) }
            try current._withUnsafeGuaranteedRef { result in
                try described._withUnsafeGuaranteedRef {
                    if overwrite {
                        try result.decodeRow(row, $0, overwriting: &recycledValues)
                    } else {
                        try result.decodeRow(row, $0, into: &recycledValues)
                    }
                }
            }
            values = recycledValues
        } else {
            var decoded: [SQLValue] = []
            try current._withUnsafeGuaranteedRef { result in
                try described._withUnsafeGuaranteedRef { try result.decodeRow(row, $0, into: &decoded) }
            }
            values = decoded
        }
        rowIndex += 1
        rowsSeen += 1
        return Row(columns: described.takeUnretainedValue().columns, values: values)
    }
}
