import DBCore
import PGDriver

/// One row of a result set read in place from the PostgreSQL client library's buffers (``SandboxEvent/rowView(_:)``):
/// the protocol layer encodes its fields into a ROW or NBCROW token without making an `SQLValue` per field for the
/// common types, and ``values()`` gives the row as ``SandboxEvent/row(_:)`` would carry it.
///
/// A view is only meant to be read during the `emit` call that carries it (the engine reads the next row after
/// `emit` returns); it is `@unchecked Sendable` because it never crosses threads in practice: the session's worker
/// thread both reads the PostgreSQL result and encodes the row.
public struct SandboxRowView: @unchecked Sendable {
    let row: PGRowView
    let columns: [ResultColumn]

    /// The row's values converted to the result columns' types, exactly what ``SandboxEvent/row(_:)`` carries.
    public func values() throws -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.count)
        for index in columns.indices {
            values.append(try value(index))
        }
        return values
    }

    /// The number of fields.
    var count: Int { row.count }

    /// Field `index` decoded and converted to its column's type (the path every type can take).
    func value(_ index: Int) throws -> SQLValue {
        ResultTyping.convert(try row.value(index), to: columns[index].type)
    }
}
