/// Runs statements on a connection and reads their results, as a DB-API cursor does.
///
/// Drivers implement the primitives here; the conveniences (`%s` / `%(name)s` parameters, interpolation,
/// iteration) live in extensions. A cursor belongs to its connection and is not `Sendable`: use it from one task
/// or thread at a time. Rows it returns are `Sendable` values.
public protocol DatabaseCursor: AnyObject {
    /// The connection's dialect.
    var dialect: SQLDialect { get }

    /// The columns of the current result set, or `nil` when the last statement returned no rows
    /// (DB-API's `cursor.description`).
    var columns: [ColumnDescription]? { get }

    /// Rows affected by the last INSERT/UPDATE/DELETE, or rows in the current result set once known; `-1` when
    /// unknown.
    var rowCount: Int { get }

    /// How many rows ``fetchMany(_:)`` returns when asked for none in particular. 1 by default, as in DB-API.
    var arraySize: Int { get set }

    /// Runs a statement whose SQL uses the driver's native placeholders; the values go as server-side parameters.
    func execute(_ statement: BoundStatement) throws

    /// Runs one statement once per parameter set, in order; ``rowCount`` is the total of affected rows.
    func executeMany(_ sql: String, parameterSets: [[SQLValue]]) throws

    /// The next row of the current result set, or `nil` when there is none left.
    func fetchOne() throws -> Row?

    /// Calls `body` with each remaining row of the current result set as a ``RowView``: read in place, values
    /// decoded only when asked, no ``Row`` built. A view is valid only during its call. The default fetches
    /// ``Row``s with ``fetchOne()``; drivers with their own buffers read from them.
    ///
    /// Inside `body`, use neither this cursor nor, with a driver that reads the connection's current row in place
    /// (MSSQLDriver), its connection: such calls throw ``DatabaseError/Kind/misuse`` rather than wait for the
    /// connection `body` is holding. If `body` throws, the rows after its row stay to be fetched.
    func forEachRowView(_ body: (any RowView) throws -> Void) throws

    /// Up to `count` further rows of the current result set.
    func fetchMany(_ count: Int) throws -> [Row]

    /// All remaining rows of the current result set.
    func fetchAll() throws -> [Row]

    /// Moves to the next result set of the last statement; `false` when there is none.
    func nextResultSet() throws -> Bool

    /// Discards pending results and releases the cursor. Idempotent.
    func close()
}
