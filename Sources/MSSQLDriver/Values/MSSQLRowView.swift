import DBCore

/// A row of a SQL Server result read in place: DB-Library's current row (``DBLibCurrentRow``), whose values each
/// accessor reads from `dbdata` and decodes alone, with the same decoders as ``MSSQLValueDecoder`` (so a value read
/// here equals the one a ``Row`` holds); text becomes a `String` only when asked.
///
/// Valid only during the ``MSSQLCursor/forEachRowView(_:)`` call that receives it: ``DBLibCurrentRow/current``
/// names the one row whose view may read, and reading after the call fails a precondition. The view holds its
/// row unreferenced (`Unmanaged`, read through `_withUnsafeGuaranteedRef`: handing out a view and reading it
/// retain and release nothing); that is safe because a ``DBLibCurrentRow`` is never freed (its cursor gives it back
/// to a pool), so even a view kept past its cursor reads valid memory and fails the precondition.
///
/// The typed accessors read a one-size column whose value's address the batch has cached
/// (``DBLibCurrentRow/Column``) without any call: they are inlined into their protocol witnesses, and everything
/// else (the first value of a column in a batch, other types, conversions, errors) is one call out of line.
struct MSSQLRowView: RowView {
    private let unmanagedRow: Unmanaged<DBLibCurrentRow>
    let sequence: Int

    init(row: DBLibCurrentRow, sequence: Int) {
        unmanagedRow = .passUnretained(row)
        self.sequence = sequence
    }

    var columns: RowColumns { withRow { $0.columns } }

    /// Calls `body` with the row, without retaining it (it is never freed, see above).
    @inline(__always)
    private func withRow<R>(_ body: (DBLibCurrentRow) throws -> R) rethrows -> R {
        try unmanagedRow._withUnsafeGuaranteedRef(body)
    }

    /// The column at `index` when its value's address is cached (``DBLibCurrentRow/Column/data`` set), after the
    /// check that this view is the current row's; `nil` for any other column or an index out of range (the caller
    /// then takes its out-of-line path, which throws for the index).
    @inline(__always)
    private func cached(_ index: Int) -> DBLibCurrentRow.Column? {
        withRow { row in
            precondition(row.current == sequence, "a RowView was used after the call that received it returned")
            // One unsigned compare: a negative index wraps to a huge one.
            guard UInt(bitPattern: index) < UInt(bitPattern: row.columnCount) else { return nil }
            let column = row.slots[index]
            guard column.data != nil else { return nil }
            assert(row.holdsCached(index), "DB-Library moved a non-blob column's value within a result set")
            return column
        }
    }

    /// The DB-Library type code and bytes (`nil` for NULL) of the value at `index`.
    @inline(__always)
    private func raw(_ index: Int) throws -> (type: Int, bytes: UnsafeRawBufferPointer?) {
        try withRow { row in
            precondition(row.current == sequence, "a RowView was used after the call that received it returned")
            guard UInt(bitPattern: index) < UInt(bitPattern: row.columnCount) else {
                throw outOfRange(index, columns: row.columnCount)
            }
            return row.value(index)
        }
    }

    private func outOfRange(_ index: Int, columns: Int) -> DatabaseError {
        DatabaseError.misuse("column index \(index) is out of range; the row has \(columns) columns")
    }

    func value(at index: Int) throws -> SQLValue {
        let (type, bytes) = try raw(index)
        return try MSSQLValueDecoder.decode(type: type, raw: bytes)
    }

    func isNull(at index: Int) throws -> Bool {
        if let column = cached(index) { return column.indicator < 0 }
        return try raw(index).bytes == nil
    }

    @inline(__always)
    func int64(at index: Int) throws -> Int64? {
        if let column = cached(index), let data = column.data {
            if column.indicator < 0 { return nil }
            if column.type == TDSTypeCode.int4 && column.length >= 4 {
                return Int64(Int32(littleEndian: data.loadUnaligned(as: Int32.self)))
            }
            if column.type == TDSTypeCode.int8 && column.length >= 8 {
                return Int64(littleEndian: data.loadUnaligned(as: Int64.self))
            }
        }
        return try int64Read(at: index)
    }

    @inline(never)
    private func int64Read(at index: Int) throws -> Int64? {
        let (type, bytes) = try raw(index)
        guard let bytes else { return nil }
        switch type {
        case TDSTypeCode.int4 where bytes.count >= 4:
            return Int64(Int32(littleEndian: bytes.loadUnaligned(as: Int32.self)))
        case TDSTypeCode.int8 where bytes.count >= 8:
            return Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))
        default:
            return try RowViewConversion.int64(MSSQLValueDecoder.decode(type: type, raw: bytes), index)
        }
    }

    @inline(__always)
    func double(at index: Int) throws -> Double? {
        if let column = cached(index), let data = column.data {
            if column.indicator < 0 { return nil }
            if column.type == TDSTypeCode.float8 && column.length >= 8 {
                return Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(as: UInt64.self)))
            }
        }
        return try doubleRead(at: index)
    }

    @inline(never)
    private func doubleRead(at index: Int) throws -> Double? {
        let (type, bytes) = try raw(index)
        guard let bytes else { return nil }
        switch type {
        case TDSTypeCode.float8 where bytes.count >= 8, TDSTypeCode.floatN where bytes.count >= 8:
            return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))
        default:
            return try RowViewConversion.double(MSSQLValueDecoder.decode(type: type, raw: bytes), index)
        }
    }

    func string(at index: Int) throws -> String? {
        let (type, bytes) = try raw(index)
        guard let bytes else { return nil }
        if MSSQLValueDecoder.isText(type) { return String(decoding: bytes, as: UTF8.self) }
        return try RowViewConversion.string(MSSQLValueDecoder.decode(type: type, raw: bytes), index)
    }

    @inline(__always)
    func withUTF8<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        let isText = withRow { row in
            precondition(row.current == sequence, "a RowView was used after the call that received it returned")
            return UInt(bitPattern: index) < UInt(bitPattern: row.columnCount) && row.slots[index].isText
        }
        guard isText else { return try withUTF8Read(at: index, body) }
        // DB-Library converted the column to the client charset, UTF-8: its bytes are the text's UTF-8.
        guard let bytes = withRow({ $0.varying(index) }) else { return nil }
        return try body(bytes.assumingMemoryBound(to: UInt8.self))
    }

    @inline(never)
    private func withUTF8Read<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        let (type, bytes) = try raw(index)
        guard let bytes else { return nil }
        if MSSQLValueDecoder.isText(type) {
            // DB-Library converted the column to the client charset, UTF-8: its bytes are the text's UTF-8.
            return try body(bytes.assumingMemoryBound(to: UInt8.self))
        }
        guard var text = try RowViewConversion.string(MSSQLValueDecoder.decode(type: type, raw: bytes), index) else {
            return nil
        }
        return try text.withUTF8(body)
    }

    func decimal(at index: Int) throws -> SQLDecimal? {
        let (type, bytes) = try raw(index)
        guard let bytes else { return nil }
        if type == TDSTypeCode.decimal || type == TDSTypeCode.numeric { return try DBNumericCodec.decode(bytes) }
        return try RowViewConversion.decimal(MSSQLValueDecoder.decode(type: type, raw: bytes), index)
    }

    @inline(__always)
    func scaledDecimal(at index: Int) throws -> (unscaled: Int64, scale: Int)? {
        if let column = cached(index), let data = column.data {
            if column.indicator < 0 { return nil }
            // The column's shape is learned from its first value (out of line below): 0 for any other column.
            if let scaled = DBNumericCodec.scaled(data, shape: column.decimalShape) { return scaled }
        }
        return try scaledDecimalRead(at: index)
    }

    @inline(never)
    private func scaledDecimalRead(at index: Int) throws -> (unscaled: Int64, scale: Int)? {
        let (type, bytes) = try raw(index)
        guard let bytes else { return nil }
        if type == TDSTypeCode.decimal || type == TDSTypeCode.numeric {
            if bytes.count >= 11, let shape = DBNumericCodec.shapeUpTo19Digits(bytes.baseAddress!) {
                withRow { $0.learnDecimalShape(index, shape) }
            }
            guard let scaled = try DBNumericCodec.scaled(bytes) else {
                throw DatabaseError.typeMismatch("column \(index) holds a decimal whose digits do not fit an Int64")
            }
            return scaled
        }
        return try RowViewConversion.decimal(MSSQLValueDecoder.decode(type: type, raw: bytes), index).map {
            try RowViewConversion.scaled($0, index)
        }
    }

    @inline(__always)
    func timestamp(at index: Int) throws -> SQLTimestamp? {
        if let column = cached(index), let data = column.data {
            if column.indicator < 0 { return nil }
            if column.type == TDSTypeCode.msDatetime2 && column.length >= 16 {
                // The fast path takes the civil date the row kept (the last value's day); a new day goes out of
                // line, which works it out and keeps it.
                let units = data.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                let days = data.loadUnaligned(fromByteOffset: 8, as: Int32.self)
                if units < DBDateTimeCodec.units100nsPerDay, let date = withRow({ $0.keptDate(days1900: days) }),
                    let time = SQLTime(nanosecondsSinceMidnight: Int64(truncatingIfNeeded: units) &* 100)
                {
                    return SQLTimestamp(date: date, time: time)
                }
            }
        }
        return try timestampRead(at: index)
    }

    @inline(never)
    private func timestampRead(at index: Int) throws -> SQLTimestamp? {
        let (type, bytes) = try raw(index)
        guard let bytes else { return nil }
        switch type {
        case TDSTypeCode.msDatetime2:
            guard bytes.count >= 16 else { return try DBDateTimeCodec.decodeDateTime2(bytes) }
            let time = try DBDateTimeCodec.sqlTime(units100ns: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            return SQLTimestamp(
                date: withRow { $0.date(days1900: bytes.loadUnaligned(fromByteOffset: 8, as: Int32.self)) },
                time: time)
        case TDSTypeCode.datetime, TDSTypeCode.datetimeN: return try DBDateTimeCodec.decodeDateTime(bytes)
        case TDSTypeCode.datetime4: return try DBDateTimeCodec.decodeDateTime4(bytes)
        default: break
        }
        return try RowViewConversion.timestamp(MSSQLValueDecoder.decode(type: type, raw: bytes), index)
    }
}
