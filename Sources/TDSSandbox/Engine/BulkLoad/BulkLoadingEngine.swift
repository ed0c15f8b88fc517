import DBCore

/// A ``SessionEngine`` that stores bulk-load data: after an `INSERT BULK` statement the client sends a bulk-load
/// message (packet type 0x07), which the protocol layer decodes as it arrives and hands over in pieces, so that
/// a load of any size streams. A load is all or nothing.
public protocol BulkLoadingEngine: SessionEngine {
    /// The message's COLMETADATA arrived: starts storing into the table the last `INSERT BULK` named. Throws a
    /// ``SQLServerMessage`` when it cannot (no INSERT BULK, column count mismatch, PostgreSQL refusing the COPY).
    func beginBulkLoad(columns: [BulkLoadColumn]) throws

    /// The next rows of the load, one value per column.
    func loadBulkRows(_ rows: [[SQLValue]]) throws

    /// The message ended: commits the rows (all of them or, on an error such as a duplicate key, none) and
    /// reports the DONE with the row count, or the error.
    func finishBulkLoad(emit: (SandboxEvent) throws -> Void) throws -> RequestOutcome

    /// Abandons the running load (a decoding error, a cancel): none of its rows are stored.
    func abortBulkLoad()
}
