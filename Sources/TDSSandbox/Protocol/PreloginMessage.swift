import NIOCore

/// The PRELOGIN exchange ([MS-TDS] 2.2.6.5): option tokens with big-endian offsets and lengths.
enum PreloginMessage {
    /// Option tokens.
    enum Option: UInt8 {
        case version = 0x00
        case encryption = 0x01
        case instance = 0x02
        case threadID = 0x03
        case mars = 0x04
        case traceID = 0x05
        case federatedAuthRequired = 0x06
        case nonce = 0x07
        case terminator = 0xFF
    }

    /// ENCRYPT_OFF, ENCRYPT_ON, ENCRYPT_NOT_SUP, ENCRYPT_REQ.
    enum Encryption: UInt8 {
        case off = 0x00
        case on = 0x01
        case notSupported = 0x02
        case required = 0x03
    }

    /// The client's PRELOGIN options the server looks at.
    struct Request: Sendable, Hashable {
        /// The client's encryption option, if sent.
        var encryption: UInt8?
        /// The client's MARS option, if sent.
        var mars: UInt8?
        /// The instance name the client asked for, if sent.
        var instance: String?
    }

    /// Parses a client PRELOGIN message, checking every option's offset and length against the message.
    static func parse(_ message: ByteBuffer) throws -> Request {
        var directory = message
        var request = Request()
        let total = message.readableBytes
        var count = 0
        while true {
            let token = try directory.tdsReadUInt8()
            if token == Option.terminator.rawValue { break }
            count += 1
            guard count <= 64 else { throw TDSProtocolError("too many PRELOGIN options") }
            let offset = Int(try directory.tdsReadBE(UInt16.self))
            let length = Int(try directory.tdsReadBE(UInt16.self))
            guard offset + length <= total else { throw TDSProtocolError("PRELOGIN option out of range") }
            guard let data = message.getBytes(at: message.readerIndex + offset, length: length) else {
                throw TDSProtocolError.truncated
            }
            switch Option(rawValue: token) {
            case .encryption: request.encryption = data.first
            case .mars: request.mars = data.first
            case .instance:
                request.instance = String(decoding: data.prefix(while: { $0 != 0 }), as: UTF8.self)
            default: break
            }
        }
        return request
    }

    /// The server's reply: VERSION, ENCRYPTION (the negotiated value, see ``EncryptionNegotiation``), INSTOPT
    /// (0: the instance matches), THREADID (empty) and MARS (0: off), laid out as SQL Server and the Babelfish
    /// capture do.
    static func reply(
        version: (major: UInt8, minor: UInt8, build: UInt16), encryption: Encryption = .notSupported
    ) -> ByteBuffer {
        let options: [(Option, [UInt8])] = [
            (.version, [version.major, version.minor, UInt8(version.build >> 8), UInt8(version.build & 0xFF), 0, 0]),
            (.encryption, [encryption.rawValue]),
            (.instance, [0]),
            (.threadID, []),
            (.mars, [0]),
        ]
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        var offset = options.count * 5 + 1
        for (option, data) in options {
            buffer.writeInteger(option.rawValue)
            buffer.writeInteger(UInt16(offset), endianness: .big)
            buffer.writeInteger(UInt16(data.count), endianness: .big)
            offset += data.count
        }
        buffer.writeInteger(Option.terminator.rawValue)
        for (_, data) in options { buffer.writeBytes(data) }
        return buffer
    }
}
