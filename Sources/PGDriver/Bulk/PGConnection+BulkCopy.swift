import DBCore
import Synchronization

extension PGConnection: BulkCopying {
    /// Copies rows with `COPY table (columns) FROM STDIN (FORMAT binary)`, one `COPY` per batch, streaming the
    /// rows in blocks of about 256 KiB; returns the number of rows copied.
    ///
    /// The column types are read once (`SELECT columns FROM table LIMIT 0`) and each value is written in the
    /// binary format of its column's type (see the table at `BulkCopying`'s PostgreSQL encoder: NULLs, Unicode
    /// text, exact numerics, µs timestamps). Transactions follow `BulkCopying`: with autocommit off every batch
    /// runs in the current transaction (a failure leaves it failed: roll back); with autocommit on each batch
    /// commits when it ends, and a failure rolls back only its own batch.
    ///
    /// The progress closure runs while the connection is busy with the copy: it must not use this connection.
    @inlinable
    public func bulkInsert<Source: BulkRowSource>(
        into table: BulkTableName, columns: [String], from source: Source, options: BulkCopyOptions
    ) throws -> Int {
        // Inlinable so that callers pull rows through code specialised for their source; the work is not generic.
        var source = source
        return try bulkInsertRows(into: table, columns: columns, options: options) { try source.nextRow() }
    }

    /// The copy itself, pulling rows from `next` until it returns `nil`.
    @usableFromInline
    func bulkInsertRows(
        into table: BulkTableName, columns: [String], options: BulkCopyOptions, next: () throws -> [SQLValue]?
    ) throws -> Int {
        try options.validate()
        guard !columns.isEmpty else { throw DatabaseError.misuse("a bulk copy needs at least one column") }
        try DatabaseError.checkNoNUL(in: table.quoted(for: dialect), what: "the table name")
        for column in columns { try DatabaseError.checkNoNUL(in: column, what: "a column name") }
        let quotedTable = table.quoted(for: dialect)
        let columnList = columns.map { dialect.quoteIdentifier($0) }.joined(separator: ", ")
        return try withIdleHandle { handle in
            cancelRequested.store(false, ordering: .sequentiallyConsistent)
            try beginIfNeeded(handle)
            let encoders = try copyEncoders(
                handle, sql: "SELECT \(columnList) FROM \(quotedTable) LIMIT 0", columns: columns)
            let copier = PGBulkCopier(
                connection: self, handle: handle, columns: columns, encoders: encoders, options: options,
                sql: "COPY \(quotedTable) (\(columnList)) FROM STDIN (FORMAT binary)")
            return try copier.run(next)
        }
    }

    /// The binary COPY encoder of each column, from a `LIMIT 0` query's result types. Call under `lock`.
    private func copyEncoders(_ handle: PQHandle, sql: String, columns: [String]) throws -> [PQCopyEncoder] {
        let result = handle.exec(sql)
        guard let result, result.kind == .rows else { throw failure(result, statement: sql) }
        return try columns.indices.map { index in
            let oid = result.columnTypeOID(at: index)
            guard let encoder = PQCopyEncoder(oid: oid) else {
                throw DatabaseError(
                    kind: .unsupported,
                    message: "bulk copy cannot write column '\(columns[index])' of type \(PQTypes.info(oid).name)",
                    statement: sql)
            }
            return encoder
        }
    }
}

/// One bulk copy in progress: encodes rows into a buffer, sends it in blocks, ends a `COPY` per batch and
/// turns failures into errors naming the row. Used under the connection's lock.
final class PGBulkCopier {
    private let connection: PGConnection
    private let handle: PQHandle
    private let columns: [String]
    private let encoders: [PQCopyEncoder]
    private let options: BulkCopyOptions
    private let sql: String
    private let buffer = PQCopyBuffer()
    private static let flushThreshold = 1 << 18

    private var rowsSent = 0
    private var rowsCompleted = 0
    private var batchesCompleted = 0

    init(
        connection: PGConnection, handle: PQHandle, columns: [String], encoders: [PQCopyEncoder],
        options: BulkCopyOptions, sql: String
    ) {
        self.connection = connection
        self.handle = handle
        self.columns = columns
        self.encoders = encoders
        self.options = options
        self.sql = sql
    }

    /// Copies every row `source` returns until `nil`; returns the number copied.
    func run(_ source: () throws -> [SQLValue]?) throws -> Int {
        var next = try source()
        while next != nil {
            try runBatch(first: &next, source: source)
        }
        return rowsCompleted
    }

    /// Runs one `COPY` with up to `batchSize` rows, starting with `first`; leaves the next batch's first row in
    /// `first` (nil at the end).
    private func runBatch(first: inout [SQLValue]?, source: () throws -> [SQLValue]?) throws {
        let start = handle.exec(sql)
        guard let start, start.isCopyIn else {
            throw failure(connection.failure(start, statement: sql), row: rowsSent)
        }
        buffer.removeAll()
        // Header: signature, flags, header extension length.
        let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
        signature.withUnsafeBytes { buffer.append($0) }
        buffer.append(bigEndian: Int32(0))
        buffer.append(bigEndian: Int32(0))

        let batchStart = rowsSent
        let limit = options.batchSize ?? Int.max
        var inBatch = 0
        var serverStopped = false
        do {
            while let row = first, inBatch < limit {
                try encode(row, index: rowsSent)
                inBatch += 1
                rowsSent += 1
                if buffer.count >= PGBulkCopier.flushThreshold, !flush() {
                    serverStopped = true
                    break
                }
                if let interval = options.progressInterval, rowsSent % interval == 0 { try report(batchEnd: false) }
                first = try source()
            }
        } catch {
            // A row that cannot be encoded, a failing source or progress closure: roll the COPY back.
            handle.putCopyEnd(abortMessage: "bulk copy aborted by the client")
            _ = handle.copyCompletion()
            throw error
        }
        if !serverStopped {
            buffer.append(bigEndian: Int16(-1))
            if flush() { handle.putCopyEnd() }
        }
        let (command, error) = handle.copyCompletion()
        if let error {
            let line = error.copyErrorLine ?? 1
            throw failure(connection.failure(error, statement: sql), row: batchStart + max(line, 1) - 1)
        }
        guard command != nil else { throw failure(connection.failure(nil, statement: sql), row: batchStart) }
        rowsCompleted += inBatch
        batchesCompleted += 1
        try report(batchEnd: true)
    }

    private func encode(_ row: [SQLValue], index: Int) throws {
        guard row.count == encoders.count else {
            throw failure(
                DatabaseError(
                    kind: .invalidParameters,
                    message: "the row has \(row.count) values for \(encoders.count) columns", statement: sql),
                row: index)
        }
        buffer.append(bigEndian: Int16(truncatingIfNeeded: encoders.count))
        // Through buffer pointers: each value is read in place, never copied out of the row.
        try row.withUnsafeBufferPointer { values in
            try encoders.withUnsafeBufferPointer { encoders in
                for column in 0..<encoders.count {
                    do throws(PQCopyValueError) {
                        try encoders[column].encode(values.baseAddress! + column, into: buffer)
                    } catch {
                        let kind: DatabaseError.Kind =
                            if case .outOfRange = error { .dataException } else { .typeMismatch }
                        throw failure(
                            DatabaseError(kind: kind, message: error.message(column: columns[column]), statement: sql),
                            row: index)
                    }
                }
            }
        }
    }

    /// Sends the buffer; `false` when libpq refused it (the server already failed the COPY).
    private func flush() -> Bool {
        defer { buffer.removeAll() }
        return handle.putCopyData(buffer.base, count: buffer.count)
    }

    private func report(batchEnd: Bool) throws {
        guard let progress = options.progress else { return }
        try progress(
            BulkCopyProgress(
                rowsSent: rowsSent, rowsCompleted: rowsCompleted, batchesCompleted: batchesCompleted,
                isBatchEnd: batchEnd))
    }

    private func failure(_ error: DatabaseError, row: Int) -> DatabaseError {
        .bulkCopyFailure(
            error, row: row, batch: batchesCompleted, rowsCommitted: connection.autocommitEnabled ? rowsCompleted : 0)
    }
}
