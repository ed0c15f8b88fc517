import DBCore
import PGDriver

/// Consecutive rows of a result set read in place from the PostgreSQL client library's buffers
/// (``SandboxEvent/rowBatch(_:)``): one event for a whole cursor batch, so that the protocol layer encodes its
/// rows in one loop (one event, one attention check per 64 rows, one lending of the output buffer).
///
/// Like ``SandboxRowView``, a batch is only meant to be read during the `emit` call that carries it; it is
/// `@unchecked Sendable` because it never crosses threads in practice.
public struct SandboxRowBatch: @unchecked Sendable {
    let batch: PGRowBatch
    let columns: [ResultColumn]

    /// The number of rows.
    public var count: Int { batch.count }

    /// Row `index` (0-based) of the batch.
    public func row(_ index: Int) -> SandboxRowView {
        SandboxRowView(row: batch.row(index), columns: columns)
    }
}
