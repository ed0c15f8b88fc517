import NIOCore

/// Bounds-checked reads for client data: every read throws ``TDSProtocolError/truncated`` instead of trapping.
extension ByteBuffer {
    /// Reads one byte.
    mutating func tdsReadUInt8() throws -> UInt8 {
        guard let value = readInteger(as: UInt8.self) else { throw TDSProtocolError.truncated }
        return value
    }

    /// Reads a little-endian integer.
    mutating func tdsReadLE<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        guard let value = readInteger(endianness: .little, as: T.self) else { throw TDSProtocolError.truncated }
        return value
    }

    /// Reads a big-endian integer.
    mutating func tdsReadBE<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else { throw TDSProtocolError.truncated }
        return value
    }

    /// Reads `count` bytes.
    mutating func tdsReadBytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, let bytes = readBytes(length: count) else { throw TDSProtocolError.truncated }
        return bytes
    }

    /// Skips `count` bytes.
    mutating func tdsSkip(_ count: Int) throws {
        guard count >= 0, readableBytes >= count else { throw TDSProtocolError.truncated }
        moveReaderIndex(forwardBy: count)
    }

    /// Reads `characters` UCS-2 (UTF-16LE) code units as a string.
    mutating func tdsReadUCS2(characters: Int) throws -> String {
        let bytes = try tdsReadBytes(characters * 2)
        return UCS2.decode(bytes)
    }

    /// Reads a B_VARCHAR: a one-byte character count, then UCS-2 text.
    mutating func tdsReadBVarchar() throws -> String {
        try tdsReadUCS2(characters: Int(try tdsReadUInt8()))
    }

    /// Reads a B_VARBYTE: a one-byte byte count, then the bytes.
    mutating func tdsReadBVarbyte() throws -> [UInt8] {
        try tdsReadBytes(Int(try tdsReadUInt8()))
    }
}

/// UCS-2 / UTF-16LE conversions.
enum UCS2 {
    /// Decodes UTF-16LE bytes; an odd trailing byte is ignored and lone surrogates become U+FFFD.
    static func decode(_ bytes: [UInt8]) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 0
        while index + 1 < bytes.count {
            units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Encodes a string as UTF-16LE bytes.
    static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf16.count * 2)
        for unit in text.utf16 {
            bytes.append(UInt8(truncatingIfNeeded: unit))
            bytes.append(UInt8(truncatingIfNeeded: unit >> 8))
        }
        return bytes
    }
}
