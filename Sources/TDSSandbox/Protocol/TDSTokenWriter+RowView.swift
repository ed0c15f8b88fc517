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
    /// pair of PostgreSQL field and T-SQL type has no direct encoding here.
    static func write(
        _ row: PGRowView, _ index: Int, as type: TSQLType, scratch: inout [UInt8], into buffer: inout ByteBuffer
    ) throws -> Bool {
        switch row.kind(index) {
        case .integer, .bool:
            guard let value = row.integer(index) else { return false }
            return try writeInteger(value, as: type, into: &buffer)
        case .float:
            guard let value = row.double(index) else { return false }
            return try writeFloat(value, as: type, into: &buffer)
        case .text:
            switch type {
            case .char, .varchar, .nchar, .nvarchar: break
            default: return false
            }
            try type.validate()
            row.copyBytes(index, into: &scratch)
            guard isASCII(scratch) else { return false }
            try writeASCII(scratch, as: type, into: &buffer)
            return true
        case .bytes:
            switch type {
            case .binary, .varbinary: break
            default: return false
            }
            try type.validate()
            row.copyBytes(index, into: &scratch)
            try writeBinary(&scratch, as: type, into: &buffer)
            return true
        case .uuid:
            guard type == .uniqueidentifier else { return false }
            row.copyBytes(index, into: &scratch)
            guard scratch.count == 16 else { return false }
            let b = scratch
            buffer.writeInteger(UInt8(16))
            buffer.writeBytes([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]])
            buffer.writeBytes(b[8..<16])
            return true
        case .numeric:
            return try writeNumeric(row, index, as: type, into: &buffer)
        case .date:
            return try writeDate(row, index, as: type, into: &buffer)
        case .time:
            return try writeTime(row, index, as: type, into: &buffer)
        case .timestamp:
            return try writeTimestamp(row, index, as: type, into: &buffer)
        case .other:
            return false
        }
    }

    private static func writeInteger(_ value: Int64, as type: TSQLType, into buffer: inout ByteBuffer) throws -> Bool {
        switch type {
        case .tinyint:
            guard (0...255).contains(value) else { throw TDSValueError.overflow(type) }
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt8(value))
        case .smallint:
            guard let small = Int16(exactly: value) else { throw TDSValueError.overflow(type) }
            buffer.writeInteger(UInt8(2))
            buffer.tdsWriteLE(small)
        case .int:
            guard let int = Int32(exactly: value) else { throw TDSValueError.overflow(type) }
            buffer.writeInteger(UInt8(4))
            buffer.tdsWriteLE(int)
        case .bigint:
            buffer.writeInteger(UInt8(8))
            buffer.tdsWriteLE(value)
        case .bit:
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt8(value != 0 ? 1 : 0))
        default:
            return false
        }
        return true
    }

    private static func writeFloat(_ value: Double, as type: TSQLType, into buffer: inout ByteBuffer) throws -> Bool {
        switch type {
        case .real:
            guard value.isFinite else { throw TDSValueError.overflow(type) }
            let single = Float(value)
            guard single.isFinite else { throw TDSValueError.overflow(type) }
            buffer.writeInteger(UInt8(4))
            buffer.tdsWriteLE(single.bitPattern)
        case .float:
            guard value.isFinite else { throw TDSValueError.overflow(type) }
            buffer.writeInteger(UInt8(8))
            buffer.tdsWriteLE(value.bitPattern)
        default:
            return false
        }
        return true
    }

    /// ASCII text as `char`/`varchar` (code page 1252 maps ASCII to itself) or `nchar`/`nvarchar` (UTF-16LE).
    private static func writeASCII(_ text: [UInt8], as type: TSQLType, into buffer: inout ByteBuffer) throws {
        switch type {
        case .char(let n), .varchar(.some(let n)):
            let length = type == .char(n) ? max(text.count, n) : text.count
            guard text.count <= n else { throw TDSValueError.truncation(type) }
            buffer.tdsWriteLE(UInt16(length))
            buffer.writeBytes(text)
            if length > text.count { buffer.writeRepeatingByte(0x20, count: length - text.count) }
        case .varchar(nil):
            writePLPHeader(byteCount: text.count, into: &buffer)
            buffer.writeBytes(text)
            buffer.tdsWriteLE(UInt32(0))
        case .nchar(let n), .nvarchar(.some(let n)):
            let units = type == .nchar(n) ? max(text.count, n) : text.count
            guard text.count <= n else { throw TDSValueError.truncation(type) }
            buffer.tdsWriteLE(UInt16(units * 2))
            writeWidened(text, padTo: units, into: &buffer)
        case .nvarchar(nil):
            writePLPHeader(byteCount: text.count * 2, into: &buffer)
            writeWidened(text, padTo: text.count, into: &buffer)
            buffer.tdsWriteLE(UInt32(0))
        default:
            preconditionFailure("writeASCII called for \(type)")
        }
    }

    private static func writeBinary(_ bytes: inout [UInt8], as type: TSQLType, into buffer: inout ByteBuffer) throws {
        switch type {
        case .binary(let n), .varbinary(.some(let n)):
            if case .binary = type, bytes.count < n {
                bytes.append(contentsOf: repeatElement(0, count: n - bytes.count))
            }
            guard bytes.count <= n else { throw TDSValueError.truncation(type) }
            buffer.tdsWriteLE(UInt16(bytes.count))
            buffer.writeBytes(bytes)
        case .varbinary(nil):
            writePLPHeader(byteCount: bytes.count, into: &buffer)
            buffer.writeBytes(bytes)
            buffer.tdsWriteLE(UInt32(0))
        default:
            preconditionFailure("writeBinary called for \(type)")
        }
    }

    /// A PLP value's total length and its one chunk's length (none for an empty value), as
    /// ``TDSValueEncoder/writePLP(_:into:)`` writes them; the caller writes the bytes and the terminator.
    private static func writePLPHeader(byteCount: Int, into buffer: inout ByteBuffer) {
        buffer.tdsWriteLE(UInt64(byteCount))
        if byteCount > 0 { buffer.tdsWriteLE(UInt32(byteCount)) }
    }

    /// ASCII bytes as UTF-16LE code units, then spaces up to `units` code units.
    private static func writeWidened(_ text: [UInt8], padTo units: Int, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: units * 2) { out in
            var offset = 0
            for byte in text {
                out[offset] = byte
                out[offset + 1] = 0
                offset += 2
            }
            while offset < units * 2 {
                out[offset] = 0x20
                out[offset + 1] = 0
                offset += 2
            }
            return units * 2
        }
    }

    static func isASCII(_ bytes: [UInt8]) -> Bool {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        return combined < 0x80
    }
}
