import DBCore
import NIOCore

/// What a client below TDS 7.2 may receive ([MS-TDS] 2.2.7.9, 2.2.5.4.3): it knows neither the (max) types, sent
/// as PLP streams from 7.2 on, nor the transaction ENVCHANGEs (types 8–10, which carry the descriptor 7.2's
/// ALL_HEADERS sends back). SQL Server sends such clients `varchar(max)`, `nvarchar(max)` and `varbinary(max)` as
/// `text`, `ntext` and `image`, and no transaction ENVCHANGE; so does the sandbox.
extension TDSTokenWriter {
    /// Whether the client knows the transaction ENVCHANGEs (8 begin, 9 commit, 10 rollback): 7.2 and later.
    var sendsTransactionEnvChanges: Bool { version.majorMinor >= 0x72 }

    /// The legacy large type (TEXTTYPE 0x23, NTEXTTYPE 0x63, IMAGETYPE 0x22) a pre-7.2 client gets for a (max)
    /// type, or `nil` when the type goes as it is.
    func legacyLargeType(_ type: TSQLType) -> UInt8? {
        guard version.majorMinor < 0x72 else { return nil }
        switch type {
        case .varchar(nil): return 0x23
        case .nvarchar(nil): return 0x63
        case .varbinary(nil): return 0x22
        default: return nil
        }
    }

    /// TYPE_INFO of a legacy large type: the type, its 4-byte maximum length, the collation of the text types, and
    /// the table name (a US_VARCHAR before 7.2; empty, as for a computed column).
    func writeLegacyLargeTypeInfo(_ code: UInt8, into buffer: inout ByteBuffer) {
        buffer.writeInteger(code)
        buffer.tdsWriteLE(UInt32(code == 0x63 ? 0x7FFF_FFFE : 0x7FFF_FFFF))
        if code != 0x22 { buffer.writeBytes(TDSCollation.latin1GeneralCIAS) }
        buffer.tdsWriteLE(UInt16(0))
    }

    /// A value of a legacy large type in a ROW: NULL is a zero text-pointer length; otherwise a 16-byte text
    /// pointer, an 8-byte timestamp, the 4-byte length and the bytes (single-byte text, UCS-2, or binary).
    func writeLegacyLargeValue(_ value: SQLValue, code: UInt8, into buffer: inout ByteBuffer) throws {
        if value.isNull {
            buffer.writeInteger(UInt8(0))
            return
        }
        let bytes: [UInt8]
        switch code {
        case 0x22:
            guard case .bytes(let data) = value else {
                throw TDSValueError.clash(TDSValueEncoder.kind(value), .varbinary(nil))
            }
            bytes = data
        case 0x63: bytes = UCS2.encode(try TDSValueEncoder.text(value, .nvarchar(nil)))
        default: bytes = try TDSValueEncoder.singleByteText(value, .varchar(nil))
        }
        buffer.writeInteger(UInt8(16))
        buffer.writeBytes([UInt8](repeating: 0xAB, count: 16))
        buffer.writeBytes([UInt8](repeating: 0, count: 8))
        buffer.tdsWriteLE(UInt32(bytes.count))
        buffer.writeBytes(bytes)
    }
}
