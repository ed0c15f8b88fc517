import CSybDB
import DBCore
import Foundation

/// DB-Library's current row (`dbnextrow`), read in place: the state behind ``MSSQLRowView``. One per cursor, set up
/// per result set (its columns, their DB-Library type codes, the length of each one-size type learned from its first
/// value), attached to the `DBPROCESS` only while ``MSSQLCursor/forEachRowView(_:)`` reads a batch of rows under the
/// connection's lock, so reading a row allocates and copies nothing.
///
/// A column of a one-size type is read without a call into DB-Library after its first value in a batch: FreeTDS
/// (1.3.17: `tds_alloc_row`, `_dbcoldata`) keeps a non-blob column's value at one address, its `column_data`, for
/// the whole result set and reads each row's value into it; only a blob column's (text, varchar(max), image) bytes
/// move, and those columns have types of varying length, which still call `dbdata` / `dbdatlen`. Whether such a
/// value is NULL changes per row: DB-Library writes it on every `dbnextrow` into the column's ``Column/indicator``,
/// bound with `dbnullbind` for the batch (``attach(_:)``) and unbound after it (``detach(_:)``). The cached
/// addresses live for one batch only, one hold of the connection's lock in which nothing but `dbnextrow` runs on the
/// `DBPROCESS`.
///
/// ``current`` is the sequence number of the one row whose view may read now (0: none), so a view kept past its
/// call fails a precondition instead of reading another row, or a `DBPROCESS` no longer held. Views refer to their
/// current row without a reference count (no retain and release per row handed out): a current row is never freed
/// but goes back to a process-wide pool when its cursor is freed (``recycle(_:)``) and serves the next cursor
/// (``take()``), its sequence numbers still rising, so a view kept past its cursor still finds its row's memory and
/// still fails the precondition.
///
/// The properties are read on every value a view decodes: they skip the dynamic exclusivity checks of class
/// properties (`@exclusivity(unchecked)`), which is safe because a cursor, and so its current row, is used from one
/// thread at a time (it is not `Sendable`) and no access to them overlaps another.
final class DBLibCurrentRow {
    /// What a view needs to read one column of the current result.
    struct Column {
        /// The address of the column's value in DB-Library's row (`dbdata`), cached after its first non-NULL value
        /// in the batch for one-size columns (see above); `nil`: ask `dbdata`.
        var data: UnsafeMutableRawPointer?
        /// The DB-Library type code (`dbcoltype`).
        var type: Int32
        /// The length every value has when the type has one size (learned from the first value, so that the next
        /// rows skip `dbdatlen`); -1 while unknown, 0 for types whose values vary in length.
        var length: Int32
        /// -1 when the current row's value is NULL, 0 when not: written by DB-Library on every `dbnextrow` while
        /// ``attach(_:)`` has it bound (one-size columns; the others leave it alone).
        var indicator: Int32
        /// Whether the type is text (``MSSQLValueDecoder/isText(_:)``), whose bytes are its UTF-8.
        var isText: Bool
        /// For a decimal column of precision ≤ 19 (one-size, at least 11 bytes), the shape of its values
        /// (``DBNumericCodec/shapeUpTo19Digits(_:)``) learned from the first one; 0 otherwise.
        var decimalShape: UInt32
    }

    /// The `DBPROCESS` whose current row the views read; `nil` outside a batch.
    @exclusivity(unchecked) private var dbproc: OpaquePointer?
    /// The result's columns.
    @exclusivity(unchecked) private(set) var columns: RowColumns
    /// Per column, its state (``Column``).
    @exclusivity(unchecked) private(set) var slots: UnsafeMutablePointer<Column>
    @exclusivity(unchecked) private var capacity: Int
    /// Column arrays outgrown by a wider result, kept (never freed while the row lives) so that no address
    /// DB-Library was ever given for an indicator can be reused.
    @exclusivity(unchecked) private var outgrown: [UnsafeMutablePointer<Column>] = []
    /// The number of columns per row.
    @exclusivity(unchecked) private(set) var columnCount = 0
    /// The sequence number of the row whose view is valid now (0: none).
    @exclusivity(unchecked) private(set) var current = 0
    /// The last sequence number given to a view.
    @exclusivity(unchecked) private var lastSequence = 0
    /// The civil date of the last date a view decoded (``date(days1900:)``), and its days since 1900-01-01.
    @exclusivity(unchecked) private var lastDate = SQLDate(daysSince1970: 0)
    @exclusivity(unchecked) private var lastDays1900 = Int32(DBDateTimeCodec.days1900To1970)

    init() {
        capacity = 16
        slots = UnsafeMutablePointer<Column>.allocate(capacity: capacity)
        columns = RowColumns([])
    }

    deinit {
        slots.deallocate()
        for old in outgrown { old.deallocate() }
    }

    /// Starts a result set with these columns and their DB-Library type codes.
    func begin(columns: RowColumns, types columnTypes: [Int]) {
        if columnTypes.count > capacity {
            outgrown.append(slots)
            capacity = columnTypes.count
            slots = UnsafeMutablePointer<Column>.allocate(capacity: capacity)
        }
        self.columns = columns
        columnCount = columnTypes.count
        for (index, type) in columnTypes.enumerated() {
            (slots + index).initialize(
                to: Column(
                    data: nil, type: Int32(truncatingIfNeeded: type), length: Self.hasOneSize(type) ? -1 : 0,
                    indicator: 0, isText: MSSQLValueDecoder.isText(type), decimalShape: 0))
        }
        leave()
    }

    /// Whether every value of DB-Library type `type` in one result column has the same length (`dbdatlen`): the
    /// fixed-size integer, floating-point, money, date/time (`DBDATETIMEALL`) and UUID types (not their nullable
    /// `…N` forms), and decimals (a `DBNUMERIC` of the column's one precision). None of them is a blob column.
    static func hasOneSize(_ type: Int) -> Bool {
        switch type {
        case TDSTypeCode.int1, TDSTypeCode.int2, TDSTypeCode.int4, TDSTypeCode.int8, TDSTypeCode.bit, TDSTypeCode.real,
            TDSTypeCode.float8, TDSTypeCode.money, TDSTypeCode.money4, TDSTypeCode.datetime, TDSTypeCode.datetime4,
            TDSTypeCode.msDate, TDSTypeCode.msTime, TDSTypeCode.msDatetime2, TDSTypeCode.msDatetimeOffset,
            TDSTypeCode.uniqueIdentifier, TDSTypeCode.decimal, TDSTypeCode.numeric:
            return true
        default:
            return false
        }
    }

    /// The offset of ``Column/indicator`` in a ``Column``.
    private static let indicatorOffset = MemoryLayout<Column>.offset(of: \Column.indicator)!

    /// Starts a batch of rows read from `dbproc`: binds the NULL indicator of each one-size column (a column whose
    /// `dbnullbind` fails is read through `dbdata` / `dbdatlen` instead) and forgets the addresses of the last batch.
    func attach(_ dbproc: OpaquePointer) {
        self.dbproc = dbproc
        // A dead connection binds nothing (`dbnullbind` would report it once per column; `dbnextrow` reports it).
        let alive = dbdead(dbproc) == 0
        for index in 0..<columnCount {
            let column = slots + index
            column.pointee.data = nil
            guard column.pointee.length != 0 else { continue }
            guard alive else {
                column.pointee.length = 0
                continue
            }
            // The indicator's own address (DB-Library keeps it and writes there on every row of the batch).
            let indicator = UnsafeMutableRawPointer(column).advanced(by: Self.indicatorOffset)
                .assumingMemoryBound(to: DBINT.self)
            if dbnullbind(dbproc, Int32(truncatingIfNeeded: index + 1), indicator) != SUCCEED {
                column.pointee.length = 0
            }
        }
    }

    /// Ends a batch: unbinds the indicators (unless the connection died, or its result is no longer this one's, whose
    /// columns then went with it) and makes the row one no view may read.
    func detach(_ dbproc: OpaquePointer) {
        if dbdead(dbproc) == 0 && Int(dbnumcols(dbproc)) >= columnCount {
            for index in 0..<columnCount where slots[index].length != 0 {
                _ = dbnullbind(dbproc, Int32(truncatingIfNeeded: index + 1), nil)
            }
        }
        for index in 0..<columnCount { slots[index].data = nil }
        leave()
    }

    /// Makes DB-Library's next current row the one views read (within a batch), and returns the sequence number of
    /// its view.
    @inline(__always)
    func enter() -> Int {
        lastSequence &+= 1
        current = lastSequence
        return lastSequence
    }

    /// Ends the reading: no view is valid until the next ``enter()``.
    func leave() {
        current = 0
        dbproc = nil
    }

    /// The type code and the bytes of the current row's value in column `column` (0-based), read in place, or `nil`
    /// bytes for SQL NULL. Only while a view is valid (its caller checked ``current`` and the index).
    @inline(__always)
    func value(_ column: Int) -> (type: Int, bytes: UnsafeRawBufferPointer?) {
        let slot = slots + column
        let type = Int(slot.pointee.type)
        guard let data = slot.pointee.data else {
            return (type, slot.pointee.length == 0 ? varying(column) : uncached(column))
        }
        assert(holdsCached(column), "DB-Library moved a non-blob column's value within a result set")
        let bytes =
            slot.pointee.indicator < 0 ? nil : UnsafeRawBufferPointer(start: data, count: Int(slot.pointee.length))
        return (type, bytes)
    }

    /// The bytes of column `column`, of a type whose values vary in length (text, binary, blobs), or `nil` for
    /// NULL: `dbdata` and `dbdatlen` on every row.
    @inline(__always)
    func varying(_ column: Int) -> UnsafeRawBufferPointer? {
        let dbproc = self.dbproc.unsafelyUnwrapped
        let number = Int32(truncatingIfNeeded: column &+ 1)
        guard let data = dbdata(dbproc, number) else { return nil }
        return UnsafeRawBufferPointer(start: data, count: Int(max(dbdatlen(dbproc, number), 0)))
    }

    /// The bytes of one-size column `column` from `dbdata` (and `dbdatlen` while its length is not known), caching
    /// the address of its value for the rest of the batch.
    @inline(never)
    private func uncached(_ column: Int) -> UnsafeRawBufferPointer? {
        let dbproc = self.dbproc.unsafelyUnwrapped
        let number = Int32(truncatingIfNeeded: column &+ 1)
        guard let data = dbdata(dbproc, number) else { return nil }
        let slot = slots + column
        var size = slot.pointee.length
        if size <= 0 {
            size = max(dbdatlen(dbproc, number), 0)
            if slot.pointee.length < 0 { slot.pointee.length = size }
        }
        // A learned length > 0 means a one-size column whose indicator is bound for this batch.
        if slot.pointee.length > 0 { slot.pointee.data = UnsafeMutableRawPointer(data) }
        return UnsafeRawBufferPointer(start: data, count: Int(size))
    }

    /// Keeps the shape of decimal column `column`'s values, read from one of at least 11 bytes, when the column is
    /// one-size with that length (so its next values are read with one load).
    func learnDecimalShape(_ column: Int, _ shape: UInt32) {
        guard UInt(bitPattern: column) < UInt(bitPattern: columnCount), slots[column].length >= 11 else { return }
        slots[column].decimalShape = shape
    }

    /// Whether the cached address and NULL indicator of `column` agree with `dbdata` (checked in debug builds).
    func holdsCached(_ column: Int) -> Bool {
        let fresh = dbdata(dbproc.unsafelyUnwrapped, Int32(truncatingIfNeeded: column &+ 1))
        let slot = slots[column]
        return slot.indicator < 0 ? fresh == nil : (fresh == slot.data?.assumingMemoryBound(to: BYTE.self))
    }

    /// Makes the row no view may read and forgets its columns, before it goes back to the pool.
    private func clear() {
        leave()
        columns = RowColumns([])
        columnCount = 0
    }

    /// The civil date ``date(days1900:)`` kept, when it is the one of `days` after 1900-01-01.
    @inline(__always)
    func keptDate(days1900 days: Int32) -> SQLDate? {
        days == lastDays1900 ? lastDate : nil
    }

    /// The date `days` after 1900-01-01: the civil date is worked out once for a run of values on the same day
    /// (rows ordered or clustered by time), as the last one is kept.
    @inline(__always)
    func date(days1900 days: Int32) -> SQLDate {
        if days != lastDays1900 {
            lastDate = DBDateTimeCodec.sqlDate(days1900: Int(days))
            lastDays1900 = days
        }
        return lastDate
    }
}

extension DBLibCurrentRow {
    /// The lock of ``idle``.
    private static let idleLock = NSLock()
    /// Current rows whose cursors were freed, for the next cursors (as many as cursors ever read views at once).
    nonisolated(unsafe) private static var idle: [DBLibCurrentRow] = []

    /// A current row for a cursor: one a freed cursor left, or a new one. It must go back with ``recycle(_:)``
    /// when the cursor is freed (views hold no reference to it).
    static func take() -> DBLibCurrentRow {
        idleLock.lock()
        defer { idleLock.unlock() }
        return idle.popLast() ?? DBLibCurrentRow()
    }

    /// Takes back the current row of a cursor being freed: no view reads it any more (a view kept past its call
    /// fails its precondition, as the row's next sequence numbers never repeat one).
    static func recycle(_ row: DBLibCurrentRow) {
        row.clear()
        idleLock.lock()
        defer { idleLock.unlock() }
        idle.append(row)
    }
}
