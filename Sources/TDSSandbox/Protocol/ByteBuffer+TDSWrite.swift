import NIOCore

/// Writers for the TDS string forms.
extension ByteBuffer {
    /// Writes a little-endian integer.
    mutating func tdsWriteLE<T: FixedWidthInteger>(_ value: T) {
        writeInteger(value, endianness: .little)
    }

    /// Writes UTF-16LE text without a length.
    mutating func tdsWriteUCS2(_ text: String) {
        for unit in text.utf16 { writeInteger(unit, endianness: .little) }
    }

    /// Writes a B_VARCHAR (one-byte character count); text longer than 255 UTF-16 units is cut.
    mutating func tdsWriteBVarchar(_ text: String) {
        let units = Array(text.utf16.prefix(255))
        writeInteger(UInt8(units.count))
        for unit in units { writeInteger(unit, endianness: .little) }
    }

    /// Writes a US_VARCHAR (two-byte character count); text longer than 65535 UTF-16 units is cut.
    mutating func tdsWriteUSVarchar(_ text: String) {
        let units = Array(text.utf16.prefix(65535))
        writeInteger(UInt16(units.count), endianness: .little)
        for unit in units { writeInteger(unit, endianness: .little) }
    }

    /// Writes a B_VARBYTE (one-byte length).
    mutating func tdsWriteBVarbyte(_ bytes: [UInt8]) {
        let count = min(bytes.count, 255)
        writeInteger(UInt8(count))
        writeBytes(bytes.prefix(count))
    }

    /// Writes a token whose body starts with a two-byte length: `body` fills the buffer after the length,
    /// which is patched afterwards.
    mutating func tdsWriteLengthPrefixed(_ body: (inout ByteBuffer) throws -> Void) rethrows {
        let lengthIndex = writerIndex
        writeInteger(UInt16(0))
        try body(&self)
        let length = writerIndex - lengthIndex - 2
        setInteger(UInt16(truncatingIfNeeded: length), at: lengthIndex, endianness: .little)
    }
}
