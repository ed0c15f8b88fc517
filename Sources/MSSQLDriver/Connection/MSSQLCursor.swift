import DBCore

/// A cursor on an ``MSSQLConnection``: runs statements and reads their results as DB-API does.
///
/// Statements with parameters go as an RPC of `sp_executesql` (values bound server-side, never spliced into the
/// SQL); statements without go as a plain batch. Rows are read from the wire as you fetch. A connection has one
/// stream of results: running a statement on another cursor of the same connection discards this cursor's
/// unread results (fetching then throws ``DatabaseError/Kind/misuse``). Not `Sendable`: use it from one thread.
public final class MSSQLCursor: DatabaseCursor {
    private let connection: MSSQLConnection
    private var id: ObjectIdentifier { ObjectIdentifier(self) }
    private var rowColumns: RowColumns?
    private var types: [Int] = []
    private var rowsPending = false
    private var resultsPending = false
    private var fetchedInResult = 0
    private var lastAffected: Int?
    private var statementText: String?
    private var closed = false

    /// The columns of the current result set, or `nil` when the statement returned no rows.
    public private(set) var columns: [ColumnDescription]?
    /// Rows affected by the last INSERT/UPDATE/DELETE, or the rows of the current result set once all are read;
    /// `-1` when unknown.
    public private(set) var rowCount: Int = -1
    /// How many rows ``fetchMany()`` returns by default.
    public var arraySize: Int = 1

    init(connection: MSSQLConnection) {
        self.connection = connection
    }

    deinit {
        if !closed { connection.release(ObjectIdentifier(self)) }
    }

    /// ``SQLDialect/sqlServer``.
    public var dialect: SQLDialect { .sqlServer }

    private func ensureOpen() throws {
        if closed { throw DatabaseError.misuse("the cursor is closed") }
    }

    private func reset(_ sql: String) {
        rowColumns = nil
        columns = nil
        types = []
        rowsPending = false
        resultsPending = false
        fetchedInResult = 0
        lastAffected = nil
        rowCount = -1
        statementText = sql
    }

    /// Runs a statement with `@P1…` placeholders; its values are sent as typed `sp_executesql` parameters.
    public func execute(_ statement: BoundStatement) throws {
        try ensureOpen()
        reset(statement.sql)
        try connection.withHandle(owner: id, claim: true) { handle in
            if statement.parameters.isEmpty {
                try handle.sendBatch(statement.sql)
            } else {
                let encoded = try statement.parameters.map(MSSQLParameterEncoder.encode)
                var parameters = [
                    RPCParameter(
                        name: "@stmt",
                        value: MSSQLParameterEncoder.string(MSSQLParameterEncoder.statement(statement.sql, encoded))),
                    RPCParameter(
                        name: "@params", value: MSSQLParameterEncoder.string(MSSQLParameterEncoder.declarations(encoded))),
                ]
                for (index, value) in encoded.enumerated() {
                    parameters.append(RPCParameter(name: "@P\(index + 1)", value: value))
                }
                try handle.sendRPC("sp_executesql", parameters, statement: statement.sql)
            }
            resultsPending = true
            try advance(handle)
        }
    }

    /// Reads results until the next result set with columns (`true`) or the end (`false`).
    private func advance(_ handle: DBLibHandle) throws {
        while resultsPending {
            switch try handle.nextResult(statement: statementText) {
            case .rows(let descriptions, let columnTypes):
                columns = descriptions
                rowColumns = RowColumns(descriptions)
                types = columnTypes
                rowsPending = true
                fetchedInResult = 0
                rowCount = -1
                return
            case .done(let count):
                if let count, count >= 0 { lastAffected = count }
            case .end:
                resultsPending = false
            }
        }
        columns = nil
        rowColumns = nil
        rowCount = lastAffected ?? -1
    }

    /// Runs the statement once per parameter set, many sets per round trip; ``rowCount`` is the total affected.
    ///
    /// A single plain `INSERT [INTO] t [(columns)] VALUES (…)` goes as one multi-row `INSERT … VALUES (…), (…)`
    /// per chunk of up to 1000 sets (and 2098 parameters): a chunk is one statement, so it is all-or-nothing, and
    /// a failure names the chunk's range of sets (`parameter sets 400…799 … failed: `) before the server's message,
    /// whose number and kind the error keeps; earlier chunks stay (committed in autocommit mode, else in the open
    /// transaction). Any other statement runs once per set inside one `sp_executesql` call per chunk; the first
    /// failing set stops the run and its index is in the error (`parameter set 700 failed: `), the sets before it
    /// having run.
    public func executeMany(_ sql: String, parameterSets: [[SQLValue]]) throws {
        try ensureOpen()
        reset(sql)
        let total = try connection.withHandle(owner: id, claim: true) { handle in
            try MSSQLBatchedExecuteMany.run(sql, parameterSets: parameterSets, on: handle)
        }
        rowCount = total
    }

    /// The next row of the current result set, or `nil` at its end.
    public func fetchOne() throws -> Row? {
        try ensureOpen()
        guard let rowColumns else { throw DatabaseError.misuse("the last statement returned no result set") }
        guard rowsPending else { return nil }
        let values = try connection.withHandle(owner: id) { handle in
            try handle.nextRow(types: types, statement: statementText)
        }
        guard let values else {
            rowsPending = false
            rowCount = fetchedInResult
            return nil
        }
        fetchedInResult += 1
        return Row(columns: rowColumns, values: values)
    }

    /// Up to `count` further rows.
    public func fetchMany(_ count: Int) throws -> [Row] {
        var rows: [Row] = []
        while rows.count < count, let row = try fetchOne() { rows.append(row) }
        return rows
    }

    /// All remaining rows of the current result set.
    public func fetchAll() throws -> [Row] {
        var rows: [Row] = []
        while let row = try fetchOne() { rows.append(row) }
        return rows
    }

    /// Moves to the next result set; unread rows of the current one are discarded.
    public func nextResultSet() throws -> Bool {
        try ensureOpen()
        guard resultsPending || rowsPending else { return false }
        try connection.withHandle(owner: id) { handle in
            if rowsPending {
                try handle.discardRows(statement: statementText)
                rowsPending = false
            }
            columns = nil
            rowColumns = nil
            try advance(handle)
        }
        return columns != nil
    }

    /// Discards pending results and releases the cursor. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        connection.release(id)
    }
}
