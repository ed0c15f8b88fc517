import DBCore
import NIOCore
import Testing

@testable import TDSSandbox

/// Builds LOGIN7 messages the way a client does.
enum Login7Builder {
    static func message(
        user: String, password: String, database: String = "", app: String = "tests", host: String = "testhost",
        version: UInt32 = 0x7400_0004, packetSize: UInt32 = 4096
    ) -> [UInt8] {
        let fields = [host, user, password, app, "server", "", "libtest", "", database]
        var data: [UInt8] = []
        var offsets: [(Int, Int)] = []
        var position = 94
        for (index, field) in fields.enumerated() {
            var bytes = UCS2.encode(field)
            if index == 2 { bytes = Login7Request.obfuscate(bytes) }
            offsets.append((position, field.utf16.count))
            data += bytes
            position += bytes.count
        }
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(94 + data.count), endianness: .little)
        buffer.writeInteger(version, endianness: .little)
        buffer.writeInteger(packetSize, endianness: .little)
        buffer.writeBytes([UInt8](repeating: 0, count: 12))
        buffer.writeBytes([0xE0, 0x03, 0x00, 0x00])  // option flags as FreeTDS sends them
        buffer.writeBytes([UInt8](repeating: 0, count: 8))
        for (offset, count) in offsets {
            buffer.writeInteger(UInt16(offset), endianness: .little)
            buffer.writeInteger(UInt16(count), endianness: .little)
        }
        buffer.writeBytes([UInt8](repeating: 0, count: 6))  // ClientID
        buffer.writeBytes([UInt8](repeating: 0, count: 4 + 4 + 4 + 4))  // SSPI, AtchDBFile, ChangePassword, SSPILong
        buffer.writeBytes(data)
        return Array(buffer.readableBytesView)
    }
}

@Suite("Protocol: PRELOGIN and LOGIN7")
struct ProtocolLoginTests {
    @Test func passwordObfuscationRoundTrips() {
        // 'a' (0x61): nibbles swapped 0x16, XOR 0xA5 = 0xB3.
        #expect(Login7Request.obfuscate([0x61]) == [0xB3])
        #expect(Login7Request.deobfuscate([0xB3]) == [0x61])
        let bytes = Array(0...255).map(UInt8.init)
        #expect(Login7Request.deobfuscate(Login7Request.obfuscate(bytes)) == bytes)
    }

    @Test func parsesLogin7() throws {
        let message = Login7Builder.message(user: "alice", password: "pä$$wörd😀", database: "shop", packetSize: 8192)
        let login = try Login7Request.parse(ByteBuffer(bytes: message))
        #expect(login.userName == "alice")
        #expect(login.password.revealed == "pä$$wörd😀")
        #expect(login.database == "shop")
        #expect(login.appName == "tests")
        #expect(login.hostName == "testhost")
        #expect(login.packetSize == 8192)
        #expect(login.tdsVersion == 0x7400_0004)
        #expect(!login.usesSSPI)
        #expect("\(login.password)" == "********")
    }

    @Test func login7WithOffsetsOutOfRangeThrows() {
        var message = Login7Builder.message(user: "alice", password: "x")
        // ibUserName := 0xFFF0
        message[40] = 0xF0
        message[41] = 0xFF
        #expect(throws: TDSProtocolError.self) { try Login7Request.parse(ByteBuffer(bytes: message)) }
        #expect(throws: TDSProtocolError.self) { try Login7Request.parse(ByteBuffer(bytes: Array(message.prefix(50)))) }
        #expect(throws: TDSProtocolError.self) { try Login7Request.parse(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0x7F])) }
    }

    @Test func versionNegotiation() {
        #expect(TDSVersion.negotiate(clientVersion: 0x7400_0004) == .v7_4)
        #expect(TDSVersion.negotiate(clientVersion: 0x730B_0003) == .v7_3B)
        #expect(TDSVersion.negotiate(clientVersion: 0x7209_0002) == .v7_2)
        #expect(TDSVersion.negotiate(clientVersion: 0x7100_0001) == .v7_1)
        #expect(TDSVersion.negotiate(clientVersion: 0x7000_0000) == nil)
    }

    @Test func loginResponseCarriesEnvChangesInfoAndLoginAck() {
        let response = TDSLoginResponse(
            writer: TDSTokenWriter(version: .v7_4, serverName: "S"), database: "db", packetSize: 4096,
            requestedPacketSize: 4096, programName: "Microsoft SQL Server", programVersion: (12, 0, 2000))
        var buffer = ByteBuffer()
        response.write(into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        // ENVCHANGE database: type 1, "db", old "master".
        #expect(Array(bytes.prefix(9)) == [0xE3, 0x13, 0x00, 0x01, 0x02, 0x64, 0x00, 0x62, 0x00])
        #expect(bytes.contains(subsequence: Capture.collationEnvChange))
        #expect(bytes.contains(subsequence: Capture.loginAck))
        #expect(Array(bytes.suffix(13)) == Capture.loginDone)
        // INFO 5701 and 5703.
        #expect(
            bytes.contains(subsequence: [0xAB]) && bytes.contains(subsequence: [0x45, 0x16, 0x00, 0x00, 0x02, 0x00]))
        #expect(bytes.contains(subsequence: [0x47, 0x16, 0x00, 0x00, 0x01, 0x00]))
        // ENVCHANGE packet size "4096".
        #expect(bytes.contains(subsequence: [0x04, 0x04] + UCS2.encode("4096")))
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
