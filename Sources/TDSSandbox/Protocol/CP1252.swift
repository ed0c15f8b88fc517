/// Windows code page 1252, the code page of the collation the sandbox declares for `char`/`varchar`
/// (Latin1_General_CI_AS, LCID 0x0409). Single-byte strings are encoded in it; a character it cannot hold is an error.
enum CP1252 {
    /// The Unicode scalars of bytes 0x80–0x9F (0 where the code page has no character).
    private static let high: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
        0x0178,
    ]

    /// Decodes code page 1252 bytes (undefined bytes map to the C1 control of the same value, as Windows does).
    static func decode(_ bytes: some Sequence<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value: UInt32 = (0x80...0x9F).contains(byte) ? high[Int(byte - 0x80)] : UInt32(byte)
            scalars.append(Unicode.Scalar(value == 0 ? UInt32(byte) : value) ?? "?")
        }
        return String(scalars)
    }

    /// Encodes text in code page 1252; `nil` when a character has no code in it.
    static func encode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 || (0xA0...0xFF).contains(value) {
                bytes.append(UInt8(value))
            } else if let index = high.firstIndex(of: value), value != 0 {
                bytes.append(UInt8(0x80 + index))
            } else {
                return nil
            }
        }
        return bytes
    }
}
