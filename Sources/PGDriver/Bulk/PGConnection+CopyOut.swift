import DBCore
import Synchronization

/// The data format of a `COPY ... TO STDOUT` export.
public enum PGCopyFormat: String, Sendable, Hashable {
    /// Tab-separated text, one line per row, `\N` for NULL (PostgreSQL's default).
    case text
    /// Comma-separated values with quoting.
    case csv
    /// PostgreSQL's binary COPY format: a header, then length-prefixed network-order fields per row, then a
    /// trailer.
    case binary
}

extension PGConnection {
    /// Exports the rows of `query` with `COPY (query) TO STDOUT`, passing each chunk to `body` as it arrives, in
    /// constant memory; returns the number of rows exported. `query` is one `SELECT` (or `VALUES`, `TABLE t`)
    /// without a trailing semicolon; it is SQL you control, never user input.
    ///
    /// Each chunk is one message from the server: exactly one row (with its newline) for `.text` and `.csv`; for
    /// `.binary` one row each, except that the header arrives with the first and the trailer on its own. The
    /// query runs in the current transaction when autocommit is off. The closure runs while the connection is
    /// busy: it must not use this connection. Throwing from it cancels the export and rethrows.
    ///
    /// ```swift
    /// let count = try connection.copyOut(query: "SELECT id, name FROM items ORDER BY id") { line in
    ///     file.write(Data(line))
    /// }
    /// ```
    @discardableResult
    public func copyOut(
        query: String, format: PGCopyFormat = .text, _ body: ([UInt8]) throws -> Void
    ) throws -> Int {
        try copyOutRaw(query: query, format: format) { bytes in try body([UInt8](bytes)) }
    }

    /// Exports the rows of `query` in text format, one decoded line per row (without its newline), as
    /// ``copyOut(query:format:_:)`` does.
    @discardableResult
    public func copyOutLines(query: String, _ body: (String) throws -> Void) throws -> Int {
        try copyOutRaw(query: query, format: .text) { bytes in
            let line = bytes.last == 10 ? UnsafeRawBufferPointer(rebasing: bytes.dropLast()) : bytes
            try body(String(decoding: line, as: UTF8.self))
        }
    }

    /// The export loop, handing libpq's buffer to `body` for the duration of each call.
    private func copyOutRaw(
        query: String, format: PGCopyFormat, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        let sql = "COPY (\(query)) TO STDOUT (FORMAT \(format.rawValue))"
        try DatabaseError.checkNoNUL(in: query, what: "the SQL text", statement: query)
        return try withIdleHandle { handle in
            cancelRequested.store(false, ordering: .sequentiallyConsistent)
            try beginIfNeeded(handle)
            let start = handle.exec(sql)
            guard let start, start.isCopyOut else { throw failure(start, statement: sql) }
            do {
                while try handle.nextCopyRow(body) {}
            } catch {
                // Stop the server, then read what is left so the connection is ready again.
                handle.cancel()
                _ = handle.copyCompletion()
                throw error
            }
            let (command, error) = handle.copyCompletion()
            if let error { throw failure(error, statement: sql) }
            guard let command else { throw failure(nil, statement: sql) }
            return command.affectedRows ?? 0
        }
    }
}
