import DBCore

/// Writes an exact decimal as PostgreSQL's binary `numeric`: digit count, weight, sign, display scale, then
/// base-10000 digits, most significant first (leading and trailing zero groups dropped).
///
/// One pass over the canonical text's bytes: the digits are gathered into base-10000 groups written straight
/// into the copy buffer, then the header goes in front of them.
enum PQNumericEncoder {
    /// Appends the field (length and bytes); `false` when the number has too many digits for the format.
    static func encode(_ decimal: SQLDecimal, into buffer: PQCopyBuffer) -> Bool {
        var text = decimal.description
        return text.withUTF8 { bytes in encode(canonical: UnsafeRawBufferPointer(bytes), into: buffer) }
    }

    /// The decimal value of the ASCII digits `bytes[from..<to]` (at most four).
    @inline(__always)
    private static func value(_ bytes: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Int {
        var result = 0
        for index in from..<to { result = result &* 10 &+ Int(bytes[index] &- 48) }
        return result
    }

    /// Encodes canonical decimal text (`-`? digits (`.` digits)?).
    private static func encode(canonical bytes: UnsafeRawBufferPointer, into buffer: PQCopyBuffer) -> Bool {
        let end = bytes.count
        let negative = end > 0 && bytes[0] == UInt8(ascii: "-")
        var dot = negative ? 1 : 0
        while dot < end && bytes[dot] != UInt8(ascii: ".") { dot += 1 }
        // Integer digits [integerStart, dot), fraction digits [fractionStart, end).
        var integerStart = negative ? 1 : 0
        while integerStart < dot && bytes[integerStart] == UInt8(ascii: "0") { integerStart += 1 }
        let integerDigits = dot - integerStart
        let fractionStart = min(dot + 1, end)
        let scale = end - fractionStart
        let integerGroups = (integerDigits + 3) / 4
        let fractionGroups = (scale + 3) / 4
        let totalGroups = integerGroups + fractionGroups
        guard scale <= 0x3FFF, totalGroups < Int(Int16.max) else { return false }

        // Groups go after the field length (4) and the header (8); the header is written once they are known.
        let start = buffer.count
        buffer.reserve(12 + 2 * totalGroups)
        let groups = buffer.base + (start + 12)
        var written = 0
        func store(_ group: Int) {
            groups.storeBytes(
                of: UInt16(truncatingIfNeeded: group).bigEndian, toByteOffset: 2 * written, as: UInt16.self)
            written &+= 1
        }
        // Integer groups: the first holds the leftover digits, then groups of four; fraction groups: groups of
        // four, the last padded with zeros on the right.
        var index = integerStart
        if integerGroups > 0 {
            let firstDigits = integerDigits - 4 * (integerGroups - 1)
            store(value(bytes, index, index + firstDigits))
            index += firstDigits
            while index < dot {
                store(value(bytes, index, index + 4))
                index += 4
            }
        }
        index = fractionStart
        while index + 4 <= end {
            store(value(bytes, index, index + 4))
            index += 4
        }
        if index < end {
            var group = value(bytes, index, end)
            for _ in (end - index)..<4 { group &*= 10 }
            store(group)
        }

        // Drop leading and trailing zero groups.
        var first = 0
        while first < written && groups.loadUnaligned(fromByteOffset: 2 * first, as: UInt16.self) == 0 { first += 1 }
        var last = written
        while last > first && groups.loadUnaligned(fromByteOffset: 2 * (last - 1), as: UInt16.self) == 0 { last -= 1 }
        let count = last - first
        if first > 0 && count > 0 { groups.copyMemory(from: groups + 2 * first, byteCount: 2 * count) }
        let weight = count == 0 ? 0 : integerGroups - 1 - first
        let header = buffer.base + start
        header.storeBytes(of: Int32(8 + 2 * count).bigEndian, toByteOffset: 0, as: Int32.self)
        header.storeBytes(of: Int16(count).bigEndian, toByteOffset: 4, as: Int16.self)
        header.storeBytes(of: Int16(weight).bigEndian, toByteOffset: 6, as: Int16.self)
        header.storeBytes(of: UInt16(negative && count > 0 ? 0x4000 : 0).bigEndian, toByteOffset: 8, as: UInt16.self)
        header.storeBytes(of: UInt16(scale).bigEndian, toByteOffset: 10, as: UInt16.self)
        buffer.advance(by: 12 + 2 * count)
        return true
    }
}
