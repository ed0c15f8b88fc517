import DBCore
import NIOCore
import PGDriver

/// ROW and NBCROW straight from a PostgreSQL result (``SandboxRowView``): integers, bits, floats, decimals, dates
/// and times, ASCII text, binary and GUIDs are encoded from the field's bytes; every other field (and non-ASCII
/// text, pre-7.3 clients) takes the ``SQLValue`` path, so each value's bytes are exactly those of
/// ``TDSTokenWriter/writeRow(_:columns:into:)``.
extension TDSTokenWriter {
    /// Writes the row as ROW, or as NBCROW (7.3+) when it has a NULL. `scratch` is a reusable work array.
    func writeRow(
        _ view: SandboxRowView, columns: [ResultColumn], scratch: inout [UInt8], into buffer: inout ByteBuffer
    ) throws {
        let count = view.count
        guard count == columns.count else {
            throw TDSValueError(
                message: SQLServerMessage(
                    number: 50000, severity: 16,
                    message: "The engine produced a row of \(count) values for \(columns.count) columns."))
        }
        let row = view.row
        let start = buffer.writerIndex
        do {
            var hasNull = false
            if version.hasNullBitmapRows {
                for index in 0..<count where row.isNull(index) {
                    hasNull = true
                    break
                }
            }
            if hasNull {
                buffer.writeInteger(TDSToken.nbcRow.rawValue)
                let bitmapStart = buffer.writerIndex
                buffer.writeRepeatingByte(0, count: (count + 7) / 8)
                for index in 0..<count where row.isNull(index) {
                    let at = bitmapStart + index / 8
                    let bits = buffer.getInteger(at: at, as: UInt8.self) ?? 0
                    buffer.setInteger(bits | UInt8(1) << UInt8(index % 8), at: at)
                }
            } else {
                buffer.writeInteger(TDSToken.row.rawValue)
            }
            try writeFields(view, columns: columns, skippingNulls: hasNull, scratch: &scratch, into: &buffer)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// The fields in order: runs of fields with a direct encoding (``TDSFieldEncoder/rawBound(_:_:as:)``) are
    /// stored into the buffer's memory in one lending each, the others go through ``writeField(_:_:as:scratch:into:)``.
    private func writeFields(
        _ view: SandboxRowView, columns: [ResultColumn], skippingNulls: Bool, scratch: inout [UInt8],
        into buffer: inout ByteBuffer
    ) throws {
        let row = view.row
        let count = view.count
        let direct = version.hasDateTimeTypes
        // With NULL bitmaps (7.3+) a NULL field is either skipped or absent; before, a NULL goes to writeField.
        let unskippedNulls = !version.hasNullBitmapRows
        var index = 0
        while index < count {
            if skippingNulls, row.isNull(index) {
                index += 1
                continue
            }
            var bound = 0
            // The end of the run of fields with a direct encoding (NULLs skipped inside it).
            var runEnd = index
            if direct {
                var next = index
                while next < count {
                    if skippingNulls, row.isNull(next) {
                        next += 1
                        continue
                    }
                    guard !unskippedNulls || !row.isNull(next),
                        let fieldBound = TDSFieldEncoder.rawBound(row, next, as: columns[next].type)
                    else { break }
                    bound += fieldBound
                    next += 1
                }
                runEnd = next
            }
            if bound > 0 {
                try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
                    var out = TDSRawWriter(base: memory)
                    // Every field of the run has a bound (checked above); one that needs another path after all
                    // (non-ASCII text, a value out of the fast range) ends the run here.
                    while index < runEnd {
                        if skippingNulls, row.isNull(index) {
                            index += 1
                            continue
                        }
                        guard
                            try TDSFieldEncoder.writeRaw(
                                row, index, as: columns[index].type, scratch: &scratch, into: &out)
                        else { break }
                        index += 1
                    }
                    return out.offset
                }
            }
            guard index < count else { return }
            if skippingNulls, row.isNull(index) { continue }
            try writeField(view, index, as: columns[index].type, scratch: &scratch, into: &buffer)
            index += 1
        }
    }

    private func writeField(
        _ view: SandboxRowView, _ index: Int, as type: TSQLType, scratch: inout [UInt8], into buffer: inout ByteBuffer
    ) throws {
        let row = view.row
        if version.hasDateTimeTypes, legacyLargeType(type) == nil, !row.isNull(index),
            try TDSFieldEncoder.write(row, index, as: type, scratch: &scratch, into: &buffer)
        {
            return
        }
        try writeValue(view.value(index), as: type, into: &buffer)
    }
}

/// The field encodings of ``TDSTokenWriter/writeRow(_:columns:scratch:into:)`` that need no ``SQLValue``; each
/// writes the bytes ``TDSValueEncoder`` writes for the value PGDriver would decode, converted by ``ResultTyping``.
enum TDSFieldEncoder {
    /// Writes non-NULL field `index` as `type` and returns `true`, or returns `false` (writing nothing) when the
    /// pair of PostgreSQL field and T-SQL type has no direct encoding here: the raw encoding
    /// (``writeRaw(_:_:as:scratch:into:)``) where the pair has one, else a `date` or `timestamp` as `datetime2`,
    /// `datetime` or `smalldatetime` (``writeDate(_:_:as:into:)``, ``writeTimestamp(_:_:as:into:)``).
    static func write(
        _ row: PGRowView, _ index: Int, as type: TSQLType, scratch: inout [UInt8], into buffer: inout ByteBuffer
    ) throws -> Bool {
        if let bound = rawBound(row, index, as: type) {
            var written = false
            try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
                var out = TDSRawWriter(base: memory)
                written = try writeRaw(row, index, as: type, scratch: &scratch, into: &out)
                return out.offset
            }
            return written
        }
        switch row.kind(index) {
        case .date: return try writeDate(row, index, as: type, into: &buffer)
        case .timestamp: return try writeTimestamp(row, index, as: type, into: &buffer)
        default: return false
        }
    }

    static func isASCII(_ bytes: [UInt8]) -> Bool {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        return combined < 0x80
    }
}
