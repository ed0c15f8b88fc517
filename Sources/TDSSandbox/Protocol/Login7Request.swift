import DBCore
import NIOCore

/// A parsed LOGIN7 message ([MS-TDS] 2.2.6.4), TDS 7.1 to 7.4.
struct Login7Request: Sendable {
    /// The TDS version the client asked for.
    var tdsVersion: UInt32
    /// The packet size the client asked for.
    var packetSize: UInt32
    /// OptionFlags1, OptionFlags2, TypeFlags, OptionFlags3.
    var optionFlags1: UInt8, optionFlags2: UInt8, typeFlags: UInt8, optionFlags3: UInt8
    var hostName: String
    var userName: String
    /// The de-obfuscated password; never logged.
    var password: Secret
    var appName: String
    var serverName: String
    var clientInterfaceName: String
    var language: String
    var database: String
    /// Whether the client asked for integrated (SSPI) authentication, which the sandbox does not offer.
    var usesSSPI: Bool

    /// The size of the fixed part for 7.1 (through cbSSPI and the attach-db file): the least a LOGIN7 may declare.
    static let fixedSize71 = 86

    /// Parses LOGIN7, checking the declared length and every offset/length pair against the message.
    static func parse(_ message: ByteBuffer) throws -> Login7Request {
        var reader = message
        let total = message.readableBytes
        let declaredLength = Int(try reader.tdsReadLE(UInt32.self))
        guard declaredLength <= total, declaredLength >= fixedSize71 else {
            throw TDSProtocolError("LOGIN7 length \(declaredLength) does not match the message (\(total) bytes)")
        }
        let version = try reader.tdsReadLE(UInt32.self)
        let packetSize = try reader.tdsReadLE(UInt32.self)
        try reader.tdsSkip(12)  // ClientProgVer, ClientPID, ConnectionID
        let flags1 = try reader.tdsReadUInt8()
        let flags2 = try reader.tdsReadUInt8()
        let typeFlags = try reader.tdsReadUInt8()
        let flags3 = try reader.tdsReadUInt8()
        try reader.tdsSkip(8)  // ClientTimeZone, ClientLCID

        func field(_ reader: inout ByteBuffer) throws -> (offset: Int, count: Int) {
            (Int(try reader.tdsReadLE(UInt16.self)), Int(try reader.tdsReadLE(UInt16.self)))
        }
        let host = try field(&reader)
        let user = try field(&reader)
        let password = try field(&reader)
        let app = try field(&reader)
        let server = try field(&reader)
        _ = try field(&reader)  // ibExtension / cbExtension (or unused)
        let interface = try field(&reader)
        let language = try field(&reader)
        let database = try field(&reader)
        try reader.tdsSkip(6)  // ClientID
        let sspi = try field(&reader)

        func bytes(_ field: (offset: Int, count: Int), unit: Int = 2) throws -> [UInt8] {
            let length = field.count * unit
            guard field.count > 0 else { return [] }
            guard field.offset >= 0, field.offset + length <= declaredLength,
                let data = message.getBytes(at: message.readerIndex + field.offset, length: length)
            else { throw TDSProtocolError("LOGIN7 field out of range") }
            return data
        }
        func text(_ field: (offset: Int, count: Int)) throws -> String {
            guard field.count <= 256 else { throw TDSProtocolError("LOGIN7 field too long") }
            return UCS2.decode(try bytes(field))
        }

        return Login7Request(
            tdsVersion: version, packetSize: packetSize,
            optionFlags1: flags1, optionFlags2: flags2, typeFlags: typeFlags, optionFlags3: flags3,
            hostName: try text(host), userName: try text(user),
            password: Secret(UCS2.decode(deobfuscate(try bytes(password)))),
            appName: try text(app), serverName: try text(server), clientInterfaceName: try text(interface),
            language: try text(language), database: try text(database),
            usesSSPI: sspi.count > 0 && (flags2 & 0x80) != 0
        )
    }

    /// Reverses the client's password obfuscation: the client swapped each byte's nibbles, then XORed with
    /// 0xA5, so the server XORs with 0xA5, then swaps the nibbles back.
    static func deobfuscate(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { byte in
            let x = byte ^ 0xA5
            return (x << 4) | (x >> 4)
        }
    }

    /// The client-side obfuscation (used by tests to build LOGIN7 messages).
    static func obfuscate(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { byte in ((byte << 4) | (byte >> 4)) ^ 0xA5 }
    }
}
