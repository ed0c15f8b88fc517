import CSybDB
import DBCore

/// One DB-Library bulk copy into a table (`bcp_init` … `bcp_done`) on a ``DBLibHandle``, with program variables
/// this type owns.
///
/// One cycle is one batch: ``BulkCopyRun`` starts a new one per batch so it can commit or roll back between them.
/// Every table column is bound on every row (`bcp_bind` only records the address, type and length): the columns
/// the caller copies get their value, the others NULL. Not thread-safe: used under the connection's lock.
final class DBLibBulkCopy {
    private let handle: DBLibHandle
    private let dbproc: OpaquePointer
    private let table: String
    /// One growable buffer per table column, the address each row's value is bound at.
    private var buffers: [UnsafeMutableRawBufferPointer]
    /// Whether rows were sent since the last batch ended.
    private(set) var batchOpen = false
    /// Whether `bcp_done` ran (or the copy was abandoned).
    private var finished = false

    /// Starts the copy: `bcp_init(table, NULL, NULL, DB_IN)`, which reads the table's columns from the server.
    init(handle: DBLibHandle, table: String, columnCount: Int) throws {
        self.handle = handle
        self.table = table
        try DatabaseError.checkNoNUL(in: table, what: "the table name")
        self.dbproc = try handle.live(table)
        buffers = (0..<columnCount).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16) }
        let statement = "bulk copy into \(table)"
        do {
            try handle.waiting(statement: statement, timed: true) { dbproc in
                guard bcp_init(dbproc, table, nil, nil, DB_IN) == SUCCEED else {
                    throw DatabaseError(kind: .other, message: "bcp_init failed for \(table)", statement: statement)
                }
            }
        } catch {
            buffers.forEach { $0.deallocate() }
            buffers = []
            throw error
        }
    }

    deinit {
        buffers.forEach { $0.deallocate() }
    }

    /// Binds one row's values (`values[i]` for table column `i + 1`; `nil` is NULL) and sends it (`bcp_sendrow`).
    /// A value the column cannot take fails here, naming the server's column type through DB-Library's message.
    func sendRow(_ values: [BulkColumnValue?]) throws {
        for (index, value) in values.enumerated() {
            try bind(value ?? BulkColumnValue.encode(.null), column: index)
        }
        guard bcp_sendrow(dbproc) == SUCCEED else {
            throw firstError(orElse: "bcp_sendrow failed")
        }
        batchOpen = true
    }

    private func bind(_ value: BulkColumnValue, column: Int) throws {
        var buffer = buffers[column]
        if buffer.count < value.bytes.count {
            buffer.deallocate()
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: value.bytes.count * 2, alignment: 16)
            buffers[column] = buffer
        }
        buffer.copyBytes(from: value.bytes)
        let address = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let length: DBINT
        switch value.length {
        case .null: length = 0
        case .fixed: length = -1
        case .bytes(let count): length = DBINT(count)
        case .dateTimeAll:
            if bcp_bind(dbproc, address, 0, -1, nil, -1, Int32(value.type), Int32(column + 1)) == SUCCEED { return }
            _ = handle.messages.takeErrors()
            length = DBINT(value.bytes.count)
        }
        let rc = bcp_bind(
            dbproc, address, 0, length, nil, -1, Int32(value.type), Int32(column + 1))
        guard rc == SUCCEED else {
            throw firstError(
                orElse: "bcp_bind refused a value of DB-Library type \(value.type) for column \(column + 1)")
        }
    }

    /// Ends the batch and the copy (`bcp_done`); returns the rows the server stored.
    func finish() throws -> Int {
        finished = true
        let statement = "bulk copy into \(table)"
        let rows = try handle.waiting(statement: statement, timed: true) { dbproc in bcp_done(dbproc) }
        batchOpen = false
        guard rows >= 0 else { throw firstError(orElse: "bcp_done failed") }
        return Int(rows)
    }

    /// Abandons the copy after a failure: the open bulk operation is ended (`bcp_done`, its errors ignored),
    /// because DB-Library cannot drop the rows it already sent; the caller rolls the transaction back.
    func abandon() {
        guard !finished else { return }
        finished = true
        if batchOpen { _ = bcp_done(dbproc) }
        batchOpen = false
        _ = handle.messages.takeErrors()
        handle.discardResults()
    }

    /// The first error the handlers collected (the others in its detail), or a generic one.
    private func firstError(orElse message: String) -> DatabaseError {
        let errors = handle.messages.takeErrors()
        guard var first = errors.first else {
            return DatabaseError(kind: .other, message: message, statement: "bulk copy into \(table)")
        }
        if errors.count > 1 { first.detail = errors.dropFirst().map(\.description).joined(separator: "\n") }
        return first
    }
}
