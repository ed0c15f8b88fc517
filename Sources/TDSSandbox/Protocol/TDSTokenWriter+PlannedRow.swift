import DBCore
import NIOCore
import PGDriver

/// ROW tokens by a ``TDSRowPlan``: one capacity check per row (or per run of rows), one switch per field, no per-field lookup of the
/// field's kind or type.
extension TDSTokenWriter {
    /// Writes `row` as a ROW token by `plan` and returns `true`, or returns `false` having written nothing when
    /// the row needs the general path (``writeRow(_:columns:scratch:into:)``): a NULL, non-ASCII text, a value the
    /// general path rejects or converts another way. Only for TDS 7.3+ (the plan's encodings are 7.3's).
    func writePlannedRow(
        _ row: PGRowView, plan: TDSRowPlan, scratch: inout [UInt8], into buffer: inout ByteBuffer
    ) throws -> Bool {
        guard let bound = Self.plannedBound(row, plan: plan) else { return false }
        var written = false
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
            var out = TDSRawWriter(base: memory)
            written = try Self.writePlannedRow(row, plan: plan, scratch: &scratch, into: &out)
            return out.offset
        }
        return written
    }

    /// How many bytes `row` may take by `plan`, or `nil` when it has a NULL or does not fit the plan (the general
    /// path then writes it).
    @inline(__always)
    static func plannedBound(_ row: PGRowView, plan: TDSRowPlan) -> Int? {
        let fields = plan.fields
        let count = fields.count
        guard row.count == count else { return nil }
        var bound = plan.fixedBound
        for index in 0..<count {
            if row.isNull(index) { return nil }
            if plan.hasVariableFields {
                switch fields[index] {
                case .nvarchar, .varchar, .nvarcharMax, .varcharMax: bound += row.byteCount(index) * 2
                case .raw(let type): bound += TDSFieldEncoder.rawBound(row, index, as: type) ?? 0
                default: break
                }
            }
        }
        return bound
    }

    /// Writes `row` by `plan` into memory with ``plannedBound(_:plan:)`` bytes free and returns `true`, or returns
    /// `false` with `out` as it was (the bytes stored past it do not count).
    @inline(__always)
    static func writePlannedRow(
        _ row: PGRowView, plan: TDSRowPlan, scratch: inout [UInt8], into out: inout TDSRawWriter
    ) throws -> Bool {
        let start = out.offset
        let fields = plan.fields
        out.byte(TDSToken.row.rawValue)
        for index in 0..<fields.count {
            guard try writePlanned(row, index, fields[index], scratch: &scratch, into: &out) else {
                out.offset = start
                return false
            }
        }
        return true
    }

    /// One non-NULL field by its plan; `false` (the row then takes the general path) for a value it leaves to it.
    @inline(__always)
    private static func writePlanned(
        _ row: PGRowView, _ index: Int, _ field: TDSRowPlan.Field, scratch: inout [UInt8], into out: inout TDSRawWriter
    ) throws -> Bool {
        switch field {
        case .int: return writeInteger(row, index, as: Int32.self, into: &out)
        case .bigint: return writeInteger(row, index, as: Int64.self, into: &out)
        case .smallint: return writeInteger(row, index, as: Int16.self, into: &out)
        case .tinyint: return writeInteger(row, index, as: UInt8.self, into: &out)
        case .bit:
            guard let value = row.integer(index) else { return false }
            out.byte(1)
            out.byte(value != 0 ? 1 : 0)
        case .float:
            guard let value = row.double(index), value.isFinite else { return false }
            out.byte(8)
            out.little(value.bitPattern)
        case .real:
            guard let value = row.double(index), value.isFinite, Float(value).isFinite else { return false }
            out.byte(4)
            out.little(Float(value).bitPattern)
        case .nvarchar(let limit):
            row.copyField(index, into: &scratch)
            guard scratch.count <= limit else { return false }
            out.little(UInt16(scratch.count * 2))
            return out.widenedASCII(scratch)
        case .varchar(let limit):
            row.copyField(index, into: &scratch)
            guard scratch.count <= limit, TDSFieldEncoder.isASCII(scratch) else { return false }
            out.little(UInt16(scratch.count))
            out.bytes(scratch)
        case .nvarcharMax:
            row.copyField(index, into: &scratch)
            out.plpHeader(byteCount: scratch.count * 2)
            guard out.widenedASCII(scratch) else { return false }
            out.little(UInt32(0))
        case .varcharMax:
            row.copyField(index, into: &scratch)
            guard TDSFieldEncoder.isASCII(scratch) else { return false }
            out.plpHeader(byteCount: scratch.count)
            out.bytes(scratch)
            out.little(UInt32(0))
        case .datetime2(let length, let divisor):
            return writeDatetime2(row, index, length: length, divisor: divisor, into: &out)
        case .decimal(let scale, let length, let limit):
            guard let (negative, magnitude) = row.scaledNumeric(index, scale: scale) else { return false }
            if let limit, magnitude >= limit { return false }
            out.byte(UInt8(length))
            out.byte(negative ? 0 : 1)
            // The magnitude's 8 bytes (a 4-byte decimal keeps the low 4: its magnitude is below 10^9), then zeros;
            // the row's reserve covers the bytes stored past the length.
            out.storeUInt64(magnitude, advancing: min(length - 1, 8))
            if length > 9 { out.storeUInt64(0, advancing: length - 9) }
        case .raw(let type):
            return try TDSFieldEncoder.writeRaw(row, index, as: type, scratch: &scratch, into: &out)
        }
        return true
    }

    /// An integer field as an `intN` of `T`'s width (its length byte, then the value little-endian); `false` when the
    /// value does not fit `T`.
    @inline(__always)
    private static func writeInteger<T: FixedWidthInteger>(
        _ row: PGRowView, _ index: Int, as type: T.Type, into out: inout TDSRawWriter
    ) -> Bool {
        guard let value = row.integer(index), let narrowed = T(exactly: value) else { return false }
        out.byte(UInt8(MemoryLayout<T>.size))
        out.little(narrowed)
        return true
    }

    /// A `timestamp` as `datetime2` (the arithmetic of ``TDSFieldEncoder/writeRaw(_:_:as:scratch:into:)``).
    @inline(__always)
    private static func writeDatetime2(
        _ row: PGRowView, _ index: Int, length: Int, divisor: Int64, into out: inout TDSRawWriter
    ) -> Bool {
        guard let raw = row.integer(index), raw != Int64.max, raw != Int64.min else { return false }
        let (micros, overflow) = raw.addingReportingOverflow(TDSFieldEncoder.postgresEpochMicros)
        guard !overflow, !micros.multipliedReportingOverflow(by: 1000).overflow else { return false }
        let microsPerDay = TDSFieldEncoder.microsPerDay
        var days = micros / microsPerDay
        var rest = micros % microsPerDay
        if rest < 0 {
            days -= 1
            rest += microsPerDay
        }
        var units = (rest * 1000 + divisor / 2) / divisor
        if units >= TDSDateTimeCodec.nanosPerDay / divisor {
            units = 0
            days += 1
        }
        let dayCount = Int(days) + TDSDateTimeCodec.daysFrom0001To1970
        guard dayCount >= 0, dayCount <= 3_652_058 else { return false }
        out.byte(UInt8(length + 3))
        out.storeUInt64(UInt64(units), advancing: length)
        out.storeUInt64(UInt64(dayCount), advancing: 3)
        return true
    }
}

extension TDSRawWriter {
    /// Stores all 8 bytes of `value` little-endian and advances by `count` (at most 8): the bytes past `count`
    /// land in the reserve and are overwritten by what follows.
    @inline(__always) mutating func storeUInt64(_ value: UInt64, advancing count: Int) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset += count
    }

    /// The header of a PLP stream sent as one chunk ([MS-TDS] 2.2.5.2.3): the total length, then the chunk's
    /// (none for an empty value, whose terminator follows at once).
    @inline(__always) mutating func plpHeader(byteCount: Int) {
        little(UInt64(byteCount))
        if byteCount > 0 { little(UInt32(byteCount)) }
    }

    /// `text` as UTF-16LE code units when every byte is ASCII: returns `false` otherwise (the bytes written then do
    /// not count: the caller drops the row).
    @inline(__always) mutating func widenedASCII(_ text: [UInt8]) -> Bool {
        var combined: UInt8 = 0
        let start = offset
        text.withUnsafeBufferPointer { source in
            for (position, value) in source.enumerated() {
                combined |= value
                base.storeBytes(of: UInt16(value).littleEndian, toByteOffset: start + 2 * position, as: UInt16.self)
            }
        }
        offset += 2 * text.count
        return combined < 0x80
    }
}
