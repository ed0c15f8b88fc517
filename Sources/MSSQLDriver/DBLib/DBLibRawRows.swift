import DBCore

/// A batch of rows copied as raw bytes from DB-Library's row buffer (`dbdata` / `dbdatlen`), undecoded: the
/// storage behind ``MSSQLRowView``. One per cursor, reused for every batch of every result set, so reading rows
/// this way allocates nothing per row once the buffers have grown to a batch's size.
///
/// The views handed out read it in place; ``current`` is the sequence number of the one row whose view is valid
/// now, so a view used after its call fails a precondition instead of reading another row. The properties are
/// read on every value a view decodes: they skip the dynamic exclusivity checks of class properties
/// (`@exclusivity(unchecked)`), which is safe because a cursor, and so its batch, is used from one thread at a
/// time (it is not `Sendable`) and no access to them overlaps another.
final class DBLibRawRows {
    /// Where one value's bytes are in ``bytes``; `length` is -1 for SQL NULL.
    struct Span {
        var offset: Int32
        var length: Int32
    }

    /// The values' bytes, back to back.
    @exclusivity(unchecked) private(set) var bytes: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var byteCapacity: Int
    @exclusivity(unchecked) private var used = 0
    /// One span per value, row after row.
    @exclusivity(unchecked) private(set) var spans: UnsafeMutablePointer<Span>
    @exclusivity(unchecked) private var spanCapacity: Int
    /// The rows in the batch.
    @exclusivity(unchecked) private(set) var rowCount = 0
    /// The result's columns and their DB-Library type codes (`dbcoltype`), set per result set.
    @exclusivity(unchecked) private(set) var columns: RowColumns
    @exclusivity(unchecked) private(set) var types: [Int] = []
    /// Per column, the length every value has when its type has one size (learned from its first value, so that
    /// the next rows skip `dbdatlen`); -1 while unknown, 0 for types whose values vary in length.
    @exclusivity(unchecked) private(set) var fixedLengths: [Int32] = []
    /// The sequence number of the row whose view is valid now (0: none).
    @exclusivity(unchecked) var current = 0
    /// The last sequence number given to a view.
    @exclusivity(unchecked) private var lastSequence = 0
    /// The civil date of the last date a view decoded (``date(days1900:)``), and its days since 1900-01-01.
    @exclusivity(unchecked) private var lastDate = SQLDate(daysSince1970: 0)
    @exclusivity(unchecked) private var lastDays1900 = Int32(DBDateTimeCodec.days1900To1970)

    init() {
        byteCapacity = 4096
        bytes = UnsafeMutableRawPointer.allocate(byteCount: byteCapacity, alignment: 16)
        spanCapacity = 256
        spans = UnsafeMutablePointer<Span>.allocate(capacity: spanCapacity)
        columns = RowColumns([])
    }

    deinit {
        bytes.deallocate()
        spans.deallocate()
    }

    /// The number of columns per row.
    var columnCount: Int { types.count }

    /// Starts a result set with these columns; the batch is empty.
    func begin(columns: RowColumns, types: [Int]) {
        self.columns = columns
        self.types = types
        fixedLengths = types.map { Self.hasOneSize($0) ? -1 : 0 }
        clear()
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

    /// Empties the batch, keeping the buffers (but not one grown past 16 MiB by large values).
    func clear() {
        if byteCapacity > 16 << 20 {
            bytes.deallocate()
            byteCapacity = 4096
            bytes = UnsafeMutableRawPointer.allocate(byteCount: byteCapacity, alignment: 16)
        }
        used = 0
        rowCount = 0
        current = 0
    }

    /// A new sequence number for the view of a row, made the valid one.
    func nextSequence() -> Int {
        lastSequence &+= 1
        current = lastSequence
        return lastSequence
    }

    /// Appends rows while the batch has fewer than `limit` and `nextRow()` makes one current (`dbnextrow`; `false`
    /// at the end of the rows), and returns whether the rows ended. `data(column)` is a value's bytes (`nil` for
    /// NULL; `dbdata`), `length(column)` their count (`dbdatlen`), asked only for columns whose length is not known
    /// from an earlier row. The batch's state lives in locals during the loop; rows appended before an error stay.
    @inline(__always)
    func appendRows(
        limit: Int, nextRow: () throws -> Bool, data: (Int32) -> UnsafeRawPointer?, length: (Int32) -> Int32
    ) throws -> Bool {
        let count = types.count
        if limit * count > spanCapacity { growSpans(to: limit * count) }
        let spans = self.spans
        var used = self.used
        var rows = rowCount
        defer {
            self.used = used
            rowCount = rows
        }
        return try fixedLengths.withUnsafeMutableBufferPointer { fixed in
            while rows < limit {
                guard try nextRow() else { return true }
                var span = spans + rows * count
                var column = 0
                while column < count {
                    let number = Int32(truncatingIfNeeded: column + 1)
                    if let source = data(number) {
                        var size = fixed[column]
                        if size <= 0 {
                            size = max(length(number), 0)
                            if fixed[column] < 0 { fixed[column] = size }
                        } else {
                            assert(size == length(number), "a value of a one-size type changed length")
                        }
                        if used + Int(size) > byteCapacity {
                            self.used = used
                            growBytes(to: used + Int(size))
                        }
                        Self.copy(source, to: bytes + used, count: size)
                        span.pointee = Span(offset: Int32(truncatingIfNeeded: used), length: size)
                        used += Int(size)
                    } else {
                        span.pointee = Span(offset: 0, length: -1)
                    }
                    span += 1
                    column += 1
                }
                rows += 1
            }
            return false
        }
    }

    /// Copies a value's bytes: the common sizes with plain loads and stores, the rest with `memcpy`.
    @inline(__always)
    private static func copy(_ source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int32) {
        switch count {
        case 4: target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
        case 8: target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
        case 16:
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            (target + 8).storeBytes(of: (source + 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
        default: target.copyMemory(from: source, byteCount: Int(count))
        }
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

    /// The bytes of value `column` of row `row`, or `nil` for SQL NULL.
    @inline(__always)
    func raw(row: Int, column: Int) -> UnsafeRawBufferPointer? {
        let span = spans[row * types.count + column]
        guard span.length >= 0 else { return nil }
        return UnsafeRawBufferPointer(start: bytes + Int(span.offset), count: Int(span.length))
    }

    private func growBytes(to needed: Int) {
        precondition(needed < Int(Int32.max), "a batch of rows larger than 2 GiB")
        var capacity = byteCapacity * 2
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        grown.copyMemory(from: bytes, byteCount: used)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }

    private func growSpans(to needed: Int) {
        var capacity = spanCapacity * 2
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<Span>.allocate(capacity: capacity)
        grown.moveInitialize(from: spans, count: rowCount * types.count)
        spans.deallocate()
        spans = grown
        spanCapacity = capacity
    }
}
