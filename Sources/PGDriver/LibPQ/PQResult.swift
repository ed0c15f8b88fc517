import CLibPQ
import DBCore

/// What a result is.
enum PQResultKind {
    /// A command without rows (`PGRES_COMMAND_OK`).
    case command
    /// A complete result set, or the end of a streamed one (`PGRES_TUPLES_OK`).
    case rows
    /// One row of a streamed result set (`PGRES_SINGLE_TUPLE`).
    case singleRow
    /// An empty query string.
    case empty
    /// An error.
    case error
    /// Anything else (COPY).
    case other
}

/// Owns one `PGresult` and frees it on release. Results do not depend on their connection, so they outlive it.
///
/// A wrapper nobody else holds may be reused for the next result (``adopt(_:status:)``): a cursor hands its last
/// statement's wrapper back to the connection, which saves allocating and freeing one object per statement.
final class PQResult {
    /// The libpq result; replaced only by ``adopt(_:status:)``, on a wrapper no one else references.
    private(set) var pointer: OpaquePointer
    /// The result's status (read once: a result's status never changes, and it is asked for several times per
    /// statement).
    private(set) var status: ExecStatusType
    /// Whether ``clear()`` freed `pointer` already (a spare wrapper waiting for ``adopt(_:status:)``).
    private var cleared = false

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        self.status = PQresultStatus(pointer)
    }

    /// Wraps `pointer`, whose status the caller read already.
    init(_ pointer: OpaquePointer, status: ExecStatusType) {
        self.pointer = pointer
        self.status = status
    }

    deinit { if !cleared { PQclear(pointer) } }

    /// Frees the libpq result now, keeping the wrapper for ``adopt(_:status:)``; nothing may read it in between. Only for a
    /// wrapper whose one reference is the caller's (checked with `isKnownUniquelyReferenced`). Freed before the next
    /// statement is sent, as releasing the wrapper did: libpq's next result then gets the memory just freed (glibc's
    /// fast path; freed after the next result arrived, each statement took `malloc`'s slow path, ~170 instructions).
    func clear() {
        if !cleared { PQclear(pointer) }
        cleared = true
    }

    /// Takes `newPointer` (of status `newStatus`) in place of the result this wrapper held (freed first, unless
    /// ``clear()`` did). Only for a wrapper whose one reference is the caller's: no row, batch or view sees it change.
    func adopt(_ newPointer: OpaquePointer, status newStatus: ExecStatusType) {
        if !cleared { PQclear(pointer) }
        pointer = newPointer
        status = newStatus
        cleared = false
    }

    /// The result's status under Swift names.
    var kind: PQResultKind {
        switch status {
        case PGRES_COMMAND_OK: return .command
        case PGRES_TUPLES_OK: return .rows
        case PGRES_SINGLE_TUPLE: return .singleRow
        case PGRES_EMPTY_QUERY: return .empty
        case PGRES_FATAL_ERROR, PGRES_BAD_RESPONSE, PGRES_NONFATAL_ERROR: return .error
        default: return .other
        }
    }

    /// Whether the result carries rows (all of a result set, or one row in single-row mode).
    var hasRows: Bool { status == PGRES_TUPLES_OK || status == PGRES_SINGLE_TUPLE }

    /// Whether the result is an error.
    var isError: Bool { status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR }

    /// The number of rows in this result.
    var rowCount: Int { Int(PQntuples(pointer)) }

    /// The row count of a complete result set: its row count for a `SELECT` (whose tag, `SELECT n`, counts exactly
    /// the rows returned; told from the tag's first bytes instead of `PQcmdTuples`' parse of every tag it knows),
    /// else ``affectedRows`` (`INSERT … RETURNING`), else the rows returned.
    var resultSetRowCount: Int { isSelect ? rowCount : affectedRows ?? rowCount }

    /// Whether the command tag says `SELECT n` (told from the tag's first bytes).
    var isSelect: Bool {
        guard let tag = PQcmdStatus(pointer) else { return false }
        return tag[0] == 83 && tag[1] == 69 && tag[2] == 76 && tag[3] == 69 && tag[4] == 67 && tag[5] == 84
            && tag[6] == 32  // "SELECT "
    }

    /// The rows affected by the command (`PQcmdTuples`), or `nil` when the command reports none.
    var affectedRows: Int? {
        guard var text = PQcmdTuples(pointer), text.pointee != 0 else { return nil }
        // Parsed from libpq's digits in place (no `String` per statement).
        var value = 0
        while text.pointee != 0 {
            let digit = Int(text.pointee) &- 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = tens.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
            text += 1
        }
        return value
    }

    /// The column descriptions and decoders of this result's columns, built once per result set.
    func describeColumns() -> (RowColumns, [PQColumnDecoder], [Bool]) {
        let count = Int(PQnfields(pointer))
        var descriptions: [ColumnDescription] = []
        var decoders: [PQColumnDecoder] = []
        var binary: [Bool] = []
        descriptions.reserveCapacity(count)
        decoders.reserveCapacity(count)
        for column in 0..<Int32(count) {
            let oid = PQftype(pointer, column)
            let info = PQTypes.info(oid)
            let modifiers = PQTypes.modifiers(oid: oid, typmod: PQfmod(pointer, column))
            let name = PQfname(pointer, column).map { String(cString: $0) } ?? ""
            // PQftable is InvalidOid (0) and PQftablecol 0 for anything but a plain table column.
            let table = PQftable(pointer, column)
            let tableColumn = PQftablecol(pointer, column)
            descriptions.append(
                ColumnDescription(
                    name: name, type: info.family, nativeTypeName: info.name, nativeTypeID: Int(oid),
                    size: modifiers.size, precision: modifiers.precision, scale: modifiers.scale,
                    sourceTableID: table == 0 ? nil : Int(table),
                    sourceColumnNumber: tableColumn == 0 ? nil : Int(tableColumn)))
            decoders.append(info.decoder)
            binary.append(PQfformat(pointer, column) == 1)
        }
        return (RowColumns(descriptions), decoders, binary)
    }

    /// Decodes row `row` into `values`, which arrives empty: appended to in place, so an array whose buffer only
    /// the caller holds is reused (no allocation per row; see ``PGCursor``'s recycled row values).
    func decodeRow(_ row: Int, _ columns: PQDescribedColumns, into values: inout [SQLValue]) throws {
        let rowIndex = Int32(row)
        let decoders = columns.decoders
        let binary = columns.binary
        let count = decoders.count
        values.reserveCapacity(count)
        try decoders.withUnsafeBufferPointer { decoders in
            try binary.withUnsafeBufferPointer { binary in
                for column in 0..<count {
                    values.append(try value(rowIndex, column, decoders[column], binary: binary[column]))
                }
            }
        }
    }

    /// Decodes row `row` over the values of an earlier row in `values`, which holds exactly one value per column:
    /// each old value is destroyed as its column's new value is assigned, through code specialised for
    /// ``SQLValue`` (emptying the array first goes through the runtime's generic per-element destroy). Writing
    /// makes the buffer unique first, so a row that still shares it keeps its values.
    func decodeRow(_ row: Int, _ columns: PQDescribedColumns, overwriting values: inout [SQLValue]) throws {
        let rowIndex = Int32(row)
        let decoders = columns.decoders
        let binary = columns.binary
        let count = decoders.count
        precondition(values.count == count, "decodeRow(overwriting:) needs one value per column")
        try values.withUnsafeMutableBufferPointer { values in
            try decoders.withUnsafeBufferPointer { decoders in
                try binary.withUnsafeBufferPointer { binary in
                    for column in 0..<count {
                        values[column] = try value(rowIndex, column, decoders[column], binary: binary[column])
                    }
                }
            }
        }
    }

    /// The value in row `rowIndex`, column `column`, decoded by `decoder` from its binary or text form (inlined
    /// into both ``decodeRow(_:_:into:)`` and ``decodeRow(_:_:overwriting:)``).
    @inline(__always)
    private func value(_ rowIndex: Int32, _ column: Int, _ decoder: PQColumnDecoder, binary: Bool) throws -> SQLValue {
        let columnIndex = Int32(column)
        // `PQgetlength` is 0 for NULL: only an empty value needs `PQgetisnull` to tell.
        let length = Int(PQgetlength(pointer, rowIndex, columnIndex))
        if length == 0, PQgetisnull(pointer, rowIndex, columnIndex) != 0 { return .null }
        let bytes = UnsafeRawBufferPointer(start: PQgetvalue(pointer, rowIndex, columnIndex), count: length)
        return binary ? try decoder.decodeBinary(bytes) : try decoder.decodeText(bytes)
    }

    /// The error this result reports, with the server's fields.
    func error(statement: String?, cancelRequested: Bool, connectionBroken: Bool) -> DatabaseError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(pointer, code).map { String(cString: $0) }
        }
        let sqlState = field(clibpq_diag_sqlstate())
        var message = field(clibpq_diag_message_primary()) ?? ""
        if message.isEmpty {
            message = PQresultErrorMessage(pointer).map { String(cString: $0) } ?? "unknown error"
            message = message.trimmingTrailingNewlines()
        }
        var kind: DatabaseError.Kind
        if let sqlState {
            kind = PQErrorMapping.kind(sqlState: sqlState, cancelRequested: cancelRequested)
        } else {
            kind = .other
        }
        if connectionBroken { kind = .connectionLost }
        return DatabaseError(
            kind: kind, code: sqlState.map(DatabaseError.Code.sqlState), message: message,
            detail: field(clibpq_diag_message_detail()), hint: field(clibpq_diag_message_hint()),
            line: field(clibpq_diag_statement_position()).flatMap { Int($0) }, table: field(clibpq_diag_table_name()),
            column: field(clibpq_diag_column_name()), constraint: field(clibpq_diag_constraint_name()),
            statement: statement)
    }
}

extension String {
    /// The string without trailing newlines (libpq's messages end with one).
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
