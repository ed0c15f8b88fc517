import NIOCore

/// The TDS data type bytes ([MS-TDS] 2.2.5.4) the sandbox reads and writes.
enum TDSDataType: UInt8 {
    // Fixed-length types.
    case null = 0x1F, int1 = 0x30, bit = 0x32, int2 = 0x34, int4 = 0x38, datetime4 = 0x3A, float4 = 0x3B
    case money = 0x3C, datetime = 0x3D, float8 = 0x3E, money4 = 0x7A, int8 = 0x7F
    // Variable-length types with a one-byte length.
    case guid = 0x24, intN = 0x26, decimalLegacy = 0x37, numericLegacy = 0x3F, bitN = 0x68, decimalN = 0x6A
    case numericN = 0x6C, floatN = 0x6D, moneyN = 0x6E, datetimeN = 0x6F, dateN = 0x28, timeN = 0x29
    case datetime2N = 0x2A, datetimeOffsetN = 0x2B, charLegacy = 0x2F, varcharLegacy = 0x27
    case binaryLegacy = 0x2D, varbinaryLegacy = 0x25
    // Variable-length types with a two-byte length (0xFFFF: PLP).
    case bigVarBinary = 0xA5, bigVarChar = 0xA7, bigBinary = 0xAD, bigChar = 0xAF, nvarchar = 0xE7, nchar = 0xEF
    // Variable-length types with a four-byte length.
    case text = 0x23, image = 0x22, ntext = 0x63, sqlVariant = 0x62, xml = 0xF1, udt = 0xF0, tvp = 0xF3
}

/// The collation the sandbox declares for character data: Latin1_General_CI_AS (LCID 0x0409, code page 1252),
/// the same 5 bytes as SQL Server's and the Babelfish capture.
enum TDSCollation {
    static let latin1GeneralCIAS: [UInt8] = [0x09, 0x04, 0xD0, 0x00, 0x34]
}

extension TSQLType {
    /// Whether values of this type travel as PLP (partially length-prefixed) streams: the `max` types.
    var isPLP: Bool {
        switch self {
        case .varchar(nil), .nvarchar(nil), .varbinary(nil): return true
        default: return false
        }
    }

    /// The byte length of a DECIMAL/NUMERIC value (sign byte included) for a precision.
    static func decimalLength(precision: Int) -> Int {
        switch precision {
        case ...9: return 5
        case 10...19: return 9
        case 20...28: return 13
        default: return 17
        }
    }

    /// The byte length of a TIME part for a fractional-seconds scale.
    static func timeLength(scale: Int) -> Int {
        switch scale {
        case ...2: return 3
        case 3...4: return 4
        default: return 5
        }
    }

    /// Writes TYPE_INFO ([MS-TDS] 2.2.5.6) for this type, as COLMETADATA and RETURNVALUE carry it.
    func writeTypeInfo(into buffer: inout ByteBuffer) throws {
        try validate()
        func byteLen(_ type: TDSDataType, _ length: Int) {
            buffer.writeInteger(type.rawValue)
            buffer.writeInteger(UInt8(length))
        }
        func ushortLen(_ type: TDSDataType, _ length: Int?, collation: Bool) {
            buffer.writeInteger(type.rawValue)
            buffer.writeInteger(UInt16(length ?? 0xFFFF), endianness: .little)
            if collation { buffer.writeBytes(TDSCollation.latin1GeneralCIAS) }
        }
        switch self {
        case .tinyint: byteLen(.intN, 1)
        case .smallint: byteLen(.intN, 2)
        case .int: byteLen(.intN, 4)
        case .bigint: byteLen(.intN, 8)
        case .bit: byteLen(.bitN, 1)
        case .decimal(let precision, let scale):
            byteLen(.numericN, TSQLType.decimalLength(precision: precision))
            buffer.writeInteger(UInt8(precision))
            buffer.writeInteger(UInt8(scale))
        case .money: byteLen(.moneyN, 8)
        case .smallmoney: byteLen(.moneyN, 4)
        case .real: byteLen(.floatN, 4)
        case .float: byteLen(.floatN, 8)
        case .char(let n): ushortLen(.bigChar, n, collation: true)
        case .varchar(let n): ushortLen(.bigVarChar, n, collation: true)
        case .nchar(let n): ushortLen(.nchar, n * 2, collation: true)
        case .nvarchar(let n): ushortLen(.nvarchar, n.map { $0 * 2 }, collation: true)
        case .binary(let n): ushortLen(.bigBinary, n, collation: false)
        case .varbinary(let n): ushortLen(.bigVarBinary, n, collation: false)
        case .date: buffer.writeInteger(TDSDataType.dateN.rawValue)
        case .time(let scale): byteLen(.timeN, scale)
        case .datetime: byteLen(.datetimeN, 8)
        case .smalldatetime: byteLen(.datetimeN, 4)
        case .datetime2(let scale): byteLen(.datetime2N, scale)
        case .datetimeoffset(let scale): byteLen(.datetimeOffsetN, scale)
        case .uniqueidentifier: byteLen(.guid, 16)
        }
    }

    /// Checks lengths, precisions and scales against SQL Server's limits.
    func validate() throws {
        let valid: Bool
        switch self {
        case .decimal(let p, let s): valid = (1...38).contains(p) && (0...p).contains(s)
        case .char(let n), .binary(let n): valid = (1...8000).contains(n)
        case .varchar(let n), .varbinary(let n): valid = n.map { (1...8000).contains($0) } ?? true
        case .nchar(let n): valid = (1...4000).contains(n)
        case .nvarchar(let n): valid = n.map { (1...4000).contains($0) } ?? true
        case .time(let s), .datetime2(let s), .datetimeoffset(let s): valid = (0...7).contains(s)
        default: valid = true
        }
        if !valid { throw TDSValueError.invalidType(self) }
    }
}
