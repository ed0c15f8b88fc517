import DBCore

/// Writes an exact decimal as PostgreSQL's binary `numeric`: digit count, weight, sign, display scale, then
/// base-10000 digits, most significant first (leading and trailing zero groups dropped).
enum PQNumericEncoder {
    /// Appends the field (length and bytes); `false` when the number has too many digits for the format.
    static func encode(_ decimal: SQLDecimal, into buffer: PQCopyBuffer) -> Bool {
        var text = decimal.description
        return text.withUTF8 { bytes -> Bool in
            var start = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative { start = 1 }
            var dot = bytes.count
            for index in start..<bytes.count where bytes[index] == UInt8(ascii: ".") {
                dot = index
                break
            }
            // Integer digits [start, dot), fraction digits (dot, end).
            var integerStart = start
            while integerStart < dot && bytes[integerStart] == UInt8(ascii: "0") { integerStart += 1 }
            let integerDigits = dot - integerStart
            let fractionStart = min(dot + 1, bytes.count)
            let scale = bytes.count - fractionStart
            let integerGroups = (integerDigits + 3) / 4
            let fractionGroups = (scale + 3) / 4
            guard scale <= 0x3FFF, integerGroups + fractionGroups < Int(Int16.max) else { return false }

            // Group g (0-based from the most significant integer group) covers digits by position.
            func digit(_ position: Int) -> Int {
                // Position counts from the first digit of the left-padded integer part.
                let padding = integerGroups * 4 - integerDigits
                if position < integerGroups * 4 {
                    let index = position - padding
                    return index < 0 ? 0 : Int(bytes[integerStart + index] &- 48)
                }
                let fractionIndex = position - integerGroups * 4
                return fractionIndex < scale ? Int(bytes[fractionStart + fractionIndex] &- 48) : 0
            }
            let totalGroups = integerGroups + fractionGroups
            func group(_ index: Int) -> Int16 {
                let p = index * 4
                return Int16(digit(p) * 1000 + digit(p + 1) * 100 + digit(p + 2) * 10 + digit(p + 3))
            }
            var first = 0
            while first < totalGroups && group(first) == 0 { first += 1 }
            var last = totalGroups
            while last > first && group(last - 1) == 0 { last -= 1 }
            let count = last - first
            let weight = count == 0 ? 0 : integerGroups - 1 - first
            buffer.append(bigEndian: Int32(8 + 2 * count))
            buffer.append(bigEndian: Int16(count))
            buffer.append(bigEndian: Int16(weight))
            buffer.append(bigEndian: UInt16(negative && count > 0 ? 0x4000 : 0))
            buffer.append(bigEndian: UInt16(scale))
            for index in first..<last { buffer.append(bigEndian: group(index)) }
            return true
        }
    }
}
