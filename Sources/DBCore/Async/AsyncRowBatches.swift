import Synchronization

extension AsyncConnection {
    /// The rows of a query's first result set in batches of up to `batchSize`, each fetched on the connection's
    /// thread: one hop per batch, not per row, and the next batch is fetched while the caller works through the
    /// current one (so at most two batches are in memory).
    ///
    /// The statement runs when iteration starts. Run other statements on the connection only after the iteration
    /// ends (the last batch, an error, or the iterator going away, which closes the cursor): on SQL Server another
    /// statement discards the rows still pending.
    ///
    /// ```swift
    /// for try await batch in connection.rowBatches("SELECT id, name FROM big_table", batchSize: 1000) {
    ///     for row in batch { … }
    /// }
    /// ```
    public func rowBatches(_ query: SQLQuery, batchSize: Int = 1000) -> AsyncRowBatches {
        AsyncRowBatches(connection: self, statement: query.bound(for: dialect), batchSize: batchSize)
    }

    /// The rows of a query's first result set, one at a time, fetched in batches of `batchSize` on the
    /// connection's thread (see ``rowBatches(_:batchSize:)``).
    ///
    /// ```swift
    /// for try await row in connection.rows("SELECT name, quantity FROM inventory") { … }
    /// ```
    public func rows(_ query: SQLQuery, batchSize: Int = 1000) -> AsyncRows {
        AsyncRows(batches: rowBatches(query, batchSize: batchSize))
    }

    /// The rows of SQL with `%s` placeholders, fetched in batches (see ``rowBatches(_:batchSize:)``).
    public func rows(
        _ sql: String, _ parameters: [(any SQLValueEncodable)?], batchSize: Int = 1000
    ) throws -> AsyncRows {
        let statement =
            parameters.isEmpty
            ? BoundStatement(sql: sql)
            : try PlaceholderLexer.bind(sql, positional: parameters.map { $0?.sqlValue ?? .null }, dialect: dialect)
        return AsyncRows(batches: AsyncRowBatches(connection: self, statement: statement, batchSize: batchSize))
    }
}

/// The rows of a query in batches (`[Row]`), fetched on the connection's thread; see
/// ``AsyncConnection/rowBatches(_:batchSize:)``.
public struct AsyncRowBatches: AsyncSequence, Sendable {
    /// A batch of rows.
    public typealias Element = [Row]
    /// Any error of the driver; ``DatabaseError/Kind/cancelled`` when the task was cancelled.
    public typealias Failure = any Error

    let connection: AsyncConnection
    let statement: BoundStatement
    let batchSize: Int

    /// Starts an iteration; the statement runs on the first call to `next`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(connection: connection, statement: statement, batchSize: Swift.max(1, batchSize))
    }

    /// Fetches the batches. Not `Sendable`: iterate from one task.
    public struct Iterator: AsyncIteratorProtocol {
        let connection: AsyncConnection
        let statement: BoundStatement
        let batchSize: Int
        private let cursor = CursorSlot()
        private var finished = false
        /// The next batch, already being fetched (see ``BatchReadAhead``).
        private var ahead: BatchReadAhead?

        init(connection: AsyncConnection, statement: BoundStatement, batchSize: Int) {
            self.connection = connection
            self.statement = statement
            self.batchSize = batchSize
        }

        /// Frees a batch the caller is done with on the connection's thread, which allocated its rows: freeing
        /// them on the consumer's thread instead makes the allocator hand memory back across threads, which cost
        /// about a third of the sync API's time per row when measured.
        func release(_ spent: [Row]) {
            guard !spent.isEmpty else { return }
            _ = connection.thread.submit { _ = spent }
        }

        /// The next batch, or `nil` after the last row.
        public mutating func next() async throws -> [Row]? {
            try await next(isolation: nil)
        }

        /// The next batch, delivered on the caller's actor (no extra hop).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> [Row]? {
            if finished { return nil }
            let (slot, statement, batchSize) = (cursor, self.statement, self.batchSize)
            let batch: [Row]
            do {
                if let ahead {
                    self.ahead = nil
                    batch = try await ahead.value()
                } else {
                    // The first batch runs the statement: cancellable on the server, as any statement.
                    batch = try await connection.withConnection { connection in
                        try slot.fetch(connection, statement: statement, batchSize: batchSize)
                    }
                }
            } catch {
                finished = true
                // A cancelled iteration can leave the statement sending rows, which closing the cursor reads to
                // the end: stop it on the server first.
                let cancelled = (error as? DatabaseError)?.kind == .cancelled
                slot.closeOn(connection.thread, cancelling: cancelled ? connection.connection : nil)
                throw error
            }
            if batch.count < batchSize {
                finished = true
            } else {
                // Fetch the next batch while the caller works through this one.
                ahead = BatchReadAhead.start(slot, on: connection, statement: statement, batchSize: batchSize)
            }
            return batch.isEmpty ? nil : batch
        }
    }
}

/// The open cursor of one iteration. `@unchecked Sendable`: the cursor is used only on the connection's thread,
/// by one job at a time (jobs on a ``ConnectionThread`` never overlap).
final class CursorSlot: @unchecked Sendable {
    private var cursor: (any DatabaseCursor)?
    private var done = false

    /// Runs the statement on the first call, then returns up to `batchSize` rows; closes the cursor after the
    /// last. Call on the connection's thread.
    func fetch(_ connection: any DatabaseConnection, statement: BoundStatement, batchSize: Int) throws -> [Row] {
        if done { return [] }
        if cursor == nil {
            let opened = try connection.cursor()
            cursor = opened
            try opened.execute(statement)
            if opened.columns == nil {
                close()
                return []
            }
        }
        let rows = try cursor!.fetchMany(batchSize)
        if rows.count < batchSize { close() }
        return rows
    }

    /// Closes the cursor. Call on the connection's thread.
    func close() {
        cursor?.close()
        cursor = nil
        done = true
    }

    /// Closes the cursor on `thread`; with `connection`, first cancels the statement still running on it, if the
    /// cursor is open (a cancel reaches only a running statement: both drivers ignore it on an idle connection).
    func closeOn(_ thread: ConnectionThread, cancelling connection: (any DatabaseConnection)? = nil) {
        thread.submit {
            if let connection, self.cursor != nil { connection.cancel() }
            self.close()
        }
    }

    // When an iteration stops early, the last reference may go away on any thread: the cursor's own deinit then
    // closes it, which the drivers make safe (it drops buffered results or releases the wire under their lock).
}

/// The rows of a query one at a time, fetched in batches; see ``AsyncConnection/rows(_:batchSize:)``.
public struct AsyncRows: AsyncSequence, Sendable {
    /// A row.
    public typealias Element = Row
    /// Any error of the driver; ``DatabaseError/Kind/cancelled`` when the task was cancelled.
    public typealias Failure = any Error

    let batches: AsyncRowBatches

    /// Starts an iteration.
    public func makeAsyncIterator() -> Iterator {
        Iterator(batches: batches.makeAsyncIterator())
    }

    /// Hands out the rows of each batch in turn. Not `Sendable`: iterate from one task.
    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline var batches: AsyncRowBatches.Iterator
        @usableFromInline var batch: [Row] = []
        @usableFromInline var index = 0

        init(batches: AsyncRowBatches.Iterator) {
            self.batches = batches
        }

        /// The next row, or `nil` after the last.
        public mutating func next() async throws -> Row? {
            try await next(isolation: nil)
        }

        /// The next row, delivered on the caller's actor. Inlinable: a row of the current batch is handed out in
        /// the caller's own code, without a call into this module; only the next batch is a call.
        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Row? {
            if index < batch.count {
                defer { index &+= 1 }
                return batch[index]
            }
            return try await firstOfNextBatch(isolation: actor)
        }

        /// Takes the next batch and hands out its first row, or returns `nil` after the last batch.
        @usableFromInline
        mutating func firstOfNextBatch(isolation actor: isolated (any Actor)?) async throws -> Row? {
            guard let next = try await batches.next(isolation: actor) else { return nil }
            let spent = batch
            batch = next
            index = 1
            batches.release(spent)
            return next[0]
        }
    }
}
