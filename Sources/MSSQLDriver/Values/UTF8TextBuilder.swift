/// Builds a long text (a multi-row statement, an `@params` list of thousands of parameters) as UTF-8 bytes and
/// makes the `String` once: appending to a byte array is a copy, where appending to a `String` piece by piece cost
/// hundreds of instructions per piece (measured with callgrind).
struct UTF8TextBuilder {
    private(set) var bytes: [UInt8] = []

    /// An empty builder with room for `capacity` bytes.
    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends a string's UTF-8.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends static ASCII text.
    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a non-negative integer in decimal.
    mutating func append(decimal value: Int) {
        precondition(value >= 0)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var rest = value
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: buffer[position...])
        }
    }

    /// The text.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
