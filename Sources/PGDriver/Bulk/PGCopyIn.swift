import DBCore
import Foundation
import Synchronization

/// A `COPY … FROM STDIN` in progress on a ``PGConnection``: send data with ``send(_:)`` in as many pieces as
/// wanted, then ``finish()`` (which returns the number of rows PostgreSQL stored) or ``abort(reason:)``. Nothing
/// is held in memory beyond what libpq buffers for the socket, so a copy of any size streams.
///
/// Until it is finished or aborted the connection is in COPY state and must not run other statements. Not
/// `Sendable`: use it from the thread that started it.
public final class PGCopyIn {
    private let connection: PGConnection
    private let statement: String
    private var isOpen = true

    init(connection: PGConnection, statement: String) {
        self.connection = connection
        self.statement = statement
    }

    deinit {
        if isOpen { abort(reason: "the copy was abandoned") }
    }

    /// Sends the next piece of COPY data (in the format the COPY statement named, e.g. text lines). When it throws,
    /// call ``finish()`` to learn the server's error.
    public func send(_ bytes: [UInt8]) throws {
        guard isOpen else { throw DatabaseError(kind: .other, message: "the COPY has ended", statement: statement) }
        guard !bytes.isEmpty else { return }
        try connection.withCopyHandle { handle in
            let sent = bytes.withUnsafeBytes { handle.putCopyData($0.baseAddress!, count: $0.count) }
            guard sent else { throw handle.clientError(statement: statement) }
        }
    }

    /// Ends the data; returns the number of rows copied. Throws PostgreSQL's error (e.g. a unique violation):
    /// then no row of this COPY was stored.
    @discardableResult
    public func finish() throws -> Int {
        guard isOpen else { throw DatabaseError(kind: .other, message: "the COPY has ended", statement: statement) }
        isOpen = false
        return try connection.withCopyHandle { handle in
            // After a server error libpq may refuse the end marker; the results still carry the server's error.
            let clientError = handle.putCopyEnd() ? nil : handle.clientError(statement: statement)
            let rows = try connection.copyRowCount(handle, statement: statement)
            if let clientError { throw clientError }
            return rows
        }
    }

    /// Ends the COPY with an error, so that PostgreSQL stores none of its rows.
    public func abort(reason: String) {
        guard isOpen else { return }
        isOpen = false
        _ = try? connection.withCopyHandle { handle in
            handle.putCopyEnd(abortMessage: reason)
            _ = handle.copyCompletion()
        }
    }
}

extension PGConnection {
    /// Starts `COPY … FROM STDIN` (the statement must be one); returns the copy to send data into.
    public func beginCopyIn(_ statement: String) throws -> PGCopyIn {
        try withIdleHandle { handle in
            guard handle.connection != nil else { throw PQHandle.closedError }
            cancelRequested.store(false, ordering: .sequentiallyConsistent)
            try handle.sendSimple(statement)
            guard let result = handle.nextRawResult() else { throw handle.clientError(statement: statement) }
            guard result.isCopyIn else {
                let error = failure(result, statement: statement)
                handle.discardPendingResults()
                throw error
            }
        }
        return PGCopyIn(connection: self, statement: statement)
    }

    /// Runs `body` with the handle under the lock while a COPY is in progress.
    func withCopyHandle<R>(_ body: (PQHandle) throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw PQHandle.closedError }
        return try body(handle)
    }

    /// Reads the results that end a COPY; returns its row count or throws its error. Call under `lock`.
    func copyRowCount(_ handle: PQHandle, statement: String) throws -> Int {
        let (command, error) = handle.copyCompletion()
        if let error { throw failure(error, statement: statement) }
        return command?.affectedRows ?? 0
    }
}
