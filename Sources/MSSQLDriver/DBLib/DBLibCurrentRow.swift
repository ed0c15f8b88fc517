import CSybDB
import DBCore
import Foundation

/// DB-Library's current row (`dbnextrow`), read in place through `dbdata` / `dbdatlen`: the state behind
/// ``MSSQLRowView``. One per cursor, set up per result set (its columns, their DB-Library type codes, the length of
/// each one-size type learned from its first value), pointed at the `DBPROCESS` only while
/// ``MSSQLCursor/forEachRowView(_:)`` calls its body under the connection's lock, so reading a row allocates and
/// copies nothing.
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
    /// The `DBPROCESS` whose current row the views read; `nil` outside a body's call.
    @exclusivity(unchecked) private var dbproc: OpaquePointer?
    /// The result's columns.
    @exclusivity(unchecked) private(set) var columns: RowColumns
    /// Per column, its DB-Library type code (`dbcoltype`).
    @exclusivity(unchecked) private(set) var types: UnsafeMutablePointer<Int>
    /// Per column, the length every value has when its type has one size (learned from its first value, so that
    /// the next rows skip `dbdatlen`); -1 while unknown, 0 for types whose values vary in length.
    @exclusivity(unchecked) private var lengths: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var capacity: Int
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
        types = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        lengths = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        columns = RowColumns([])
    }

    deinit {
        types.deallocate()
        lengths.deallocate()
    }

    /// Starts a result set with these columns and their DB-Library type codes.
    func begin(columns: RowColumns, types columnTypes: [Int]) {
        if columnTypes.count > capacity {
            types.deallocate()
            lengths.deallocate()
            capacity = columnTypes.count
            types = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
            lengths = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        }
        self.columns = columns
        columnCount = columnTypes.count
        for (index, type) in columnTypes.enumerated() {
            types[index] = type
            lengths[index] = Self.hasOneSize(type) ? -1 : 0
        }
        leave()
    }

    /// Whether every value of DB-Library type `type` in one result column has the same length (`dbdatlen`): the
    /// fixed-size integer, floating-point, money, date/time (`DBDATETIMEALL`) and UUID types (not their nullable
    /// `…N` forms), and decimals (a `DBNUMERIC` of the column's one precision).
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

    /// Makes the row `dbproc` holds as current the one views read, and returns the sequence number of its view.
    @inline(__always)
    func enter(_ dbproc: OpaquePointer) -> Int {
        self.dbproc = dbproc
        lastSequence &+= 1
        current = lastSequence
        return lastSequence
    }

    /// Ends the reading: no view is valid until the next ``enter(_:)``.
    func leave() {
        current = 0
        dbproc = nil
    }

    /// The bytes of the current row's value in column `column` (0-based), read in place, or `nil` for SQL NULL.
    /// Only while a view is valid (its caller checked ``current``).
    @inline(__always)
    func raw(_ column: Int) -> UnsafeRawBufferPointer? {
        let dbproc = self.dbproc.unsafelyUnwrapped
        let number = Int32(truncatingIfNeeded: column &+ 1)
        guard let data = dbdata(dbproc, number) else { return nil }
        var size = lengths[column]
        if size <= 0 {
            size = max(dbdatlen(dbproc, number), 0)
            if lengths[column] < 0 { lengths[column] = size }
        }
        return UnsafeRawBufferPointer(start: data, count: Int(size))
    }

    /// Makes the row no view may read and forgets its columns, before it goes back to the pool.
    private func clear() {
        leave()
        columns = RowColumns([])
        columnCount = 0
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
