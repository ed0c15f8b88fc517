import DBCore
import NIOCore

/// A column of a bulk-load message, as its COLMETADATA describes it.
public struct BulkLoadColumn: Sendable, Hashable {
    /// The column name the client sent.
    public var name: String
    /// The type the values arrive as.
    public var type: TSQLType
}

/// What the decoder found in the bytes given so far.
enum BulkLoadItem {
    /// The COLMETADATA token.
    case columns([BulkLoadColumn])
    /// Rows, in order.
    case rows([[SQLValue]])
    /// The DONE token that ends the data.
    case done
}

/// Decodes the token stream of a bulk-load message (packet type 0x07: COLMETADATA, ROW / NBCROW tokens, DONE)
/// incrementally: ``feed(_:)`` takes each packet's payload as it arrives and returns what is complete; a token
/// cut by a packet boundary waits for the next packet. Only the undecoded tail is kept, so a message of any size
/// decodes in constant memory. Values are decoded by ``TDSValueDecoder`` from the column's TYPE_INFO.
struct TDSBulkLoadDecoder {
    /// How one column's values are laid out in a ROW token.
    private enum ValueLayout {
        case fixed(Int)
        case byteLength
        case decimal
        case ushortLength
        case plp
        case textPointer
    }

    private struct Column {
        var info: BulkLoadColumn
        var typeInfo: [UInt8]
        var layout: ValueLayout
    }

    private var pending = ByteBuffer()
    private var columns: [Column]?
    private var scratch = ByteBuffer()
    private(set) var finished = false

    /// Whether bytes of an incomplete token wait (at the end of the message, the stream was cut). FreeTDS ends a
    /// bulk-load message after its last ROW, without a DONE token.
    var hasIncompleteToken: Bool { pending.readableBytes > 0 }

    /// Decodes what `payload` completes.
    mutating func feed(_ payload: inout ByteBuffer) throws -> [BulkLoadItem] {
        pending.writeBuffer(&payload)
        var items: [BulkLoadItem] = []
        var rows: [[SQLValue]] = []
        while !finished, let token = pending.getInteger(at: pending.readerIndex, as: UInt8.self) {
            let start = pending.readerIndex
            do {
                pending.moveReaderIndex(forwardBy: 1)
                switch token {
                case 0x81:
                    guard columns == nil else { throw TDSProtocolError("a second COLMETADATA in a bulk load") }
                    let parsed = try readColumnMetadata()
                    columns = parsed
                    items.append(.columns(parsed.map(\.info)))
                case 0xD1, 0xD2:
                    guard let columns else { throw TDSProtocolError("a ROW before COLMETADATA in a bulk load") }
                    rows.append(try readRow(columns, nullBitmap: token == 0xD2))
                case 0xFD:
                    try pending.tdsSkip(12)
                    finished = true
                default:
                    throw TDSProtocolError("unexpected token 0x\(String(token, radix: 16)) in a bulk load")
                }
            } catch let error as TDSProtocolError where error == .truncated {
                pending.moveReaderIndex(to: start)
                break
            }
        }
        if !rows.isEmpty { items.append(.rows(rows)) }
        if finished { items.append(.done) }
        pending.discardReadBytes()
        return items
    }

    private mutating func readColumnMetadata() throws -> [Column] {
        let count = Int(try pending.tdsReadLE(UInt16.self))
        guard count > 0, count != 0xFFFF else { throw TDSProtocolError("a bulk load without columns") }
        var parsed: [Column] = []
        for _ in 0..<count {
            try pending.tdsSkip(4 + 2)  // UserType, Flags
            var before = pending
            let layout = try skipTypeInfo()
            let typeInfo = try before.tdsReadBytes(pending.readerIndex - before.readerIndex)
            if case .textPointer = layout {
                let parts = Int(try pending.tdsReadUInt8())
                for _ in 0..<parts { try pending.tdsSkip(Int(try pending.tdsReadLE(UInt16.self)) * 2) }
            }
            let name = try pending.tdsReadBVarchar()
            parsed.append(
                Column(
                    info: BulkLoadColumn(name: name, type: try Self.type(of: typeInfo)), typeInfo: typeInfo,
                    layout: layout))
        }
        return parsed
    }

    /// The declared type of a TYPE_INFO, read with the value decoder on a NULL value.
    private static func type(of typeInfo: [UInt8]) throws -> TSQLType {
        var buffer = ByteBuffer(bytes: typeInfo)
        switch typeInfo.first ?? 0 {
        case 0x30, 0x32, 0x34, 0x38, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x7A, 0x7F:
            buffer.writeRepeatingByte(0, count: 8)
        case 0xA5, 0xA7, 0xAD, 0xAF, 0xE7, 0xEF:
            if typeInfo.count >= 3, typeInfo[1] == 0xFF, typeInfo[2] == 0xFF {
                buffer.writeRepeatingByte(0xFF, count: 8)
            } else {
                buffer.writeRepeatingByte(0xFF, count: 2)
            }
        case 0x22, 0x23, 0x63:
            buffer.writeRepeatingByte(0xFF, count: 4)
        default:
            buffer.writeInteger(UInt8(0))
        }
        return try TDSValueDecoder.readTypedValue(&buffer).0
    }

    /// Skips a TYPE_INFO in `pending` and returns how the column's values are laid out.
    private mutating func skipTypeInfo() throws -> ValueLayout {
        let raw = try pending.tdsReadUInt8()
        switch raw {
        case 0x30: return .fixed(1)
        case 0x32: return .fixed(1)
        case 0x34: return .fixed(2)
        case 0x38, 0x3A, 0x3B, 0x7A: return .fixed(4)
        case 0x3C, 0x3D, 0x3E, 0x7F: return .fixed(8)
        case 0x24, 0x26, 0x68, 0x6D, 0x6E, 0x6F, 0x29, 0x2A, 0x2B, 0x25, 0x27, 0x2D, 0x2F:
            try pending.tdsSkip(1)
            return .byteLength
        case 0x28:
            return .byteLength
        case 0x6A, 0x6C, 0x37, 0x3F:
            try pending.tdsSkip(3)
            return .decimal
        case 0xA5, 0xAD, 0xA7, 0xAF, 0xE7, 0xEF:
            let maxLength = try pending.tdsReadLE(UInt16.self)
            if raw == 0xA7 || raw == 0xAF || raw == 0xE7 || raw == 0xEF { try pending.tdsSkip(5) }
            return maxLength == 0xFFFF ? .plp : .ushortLength
        case 0x22, 0x23, 0x63:
            try pending.tdsSkip(4)
            if raw != 0x22 { try pending.tdsSkip(5) }
            return .textPointer
        default:
            throw TDSProtocolError(
                "data type 0x\(String(raw, radix: 16, uppercase: true)) is not supported in a bulk load")
        }
    }

    /// Reads one row: each value's bytes are copied after its TYPE_INFO into a scratch buffer and decoded there.
    private mutating func readRow(_ columns: [Column], nullBitmap: Bool) throws -> [SQLValue] {
        var nulls: [UInt8] = []
        if nullBitmap { nulls = try pending.tdsReadBytes((columns.count + 7) / 8) }
        var values: [SQLValue] = []
        values.reserveCapacity(columns.count)
        for (index, column) in columns.enumerated() {
            if nullBitmap, nulls[index / 8] & (1 << (index % 8)) != 0 {
                values.append(.null)
                continue
            }
            scratch.clear()
            scratch.writeBytes(column.typeInfo)
            switch column.layout {
            case .fixed(let length):
                try copy(length)
            case .byteLength:
                let length = try pending.tdsReadUInt8()
                scratch.writeInteger(length)
                try copy(Int(length))
            case .decimal:
                // FreeTDS sends the fewest bytes the precision needs (e.g. 6 for decimal(12,2)); the value
                // decoder takes the standard lengths 5, 9, 13, 17, so the magnitude is zero-padded to one.
                let length = Int(try pending.tdsReadUInt8())
                scratch.clear()
                scratch.writeInteger(column.typeInfo[0])
                scratch.writeInteger(UInt8(17))
                scratch.writeBytes(column.typeInfo.dropFirst(2))
                let padded = length == 0 ? 0 : [5, 9, 13, 17].first { $0 >= length } ?? length
                scratch.writeInteger(UInt8(padded))
                try copy(length)
                if padded > length { scratch.writeRepeatingByte(0, count: padded - length) }
            case .ushortLength:
                let length = try pending.tdsReadLE(UInt16.self)
                scratch.writeInteger(length, endianness: .little)
                if length != 0xFFFF { try copy(Int(length)) }
            case .plp:
                let total = try pending.tdsReadLE(UInt64.self)
                scratch.writeInteger(total, endianness: .little)
                if total != UInt64.max {
                    while true {
                        let chunk = try pending.tdsReadLE(UInt32.self)
                        scratch.writeInteger(chunk, endianness: .little)
                        if chunk == 0 { break }
                        try copy(Int(chunk))
                    }
                }
            case .textPointer:
                let pointerLength = Int(try pending.tdsReadUInt8())
                if pointerLength == 0 {
                    scratch.writeInteger(UInt32.max, endianness: .little)
                } else {
                    try pending.tdsSkip(pointerLength + 8)
                    let length = try pending.tdsReadLE(UInt32.self)
                    scratch.writeInteger(length, endianness: .little)
                    try copy(Int(length))
                }
            }
            values.append(try TDSValueDecoder.readTypedValue(&scratch).1)
        }
        return values
    }

    private mutating func copy(_ length: Int) throws {
        guard length >= 0, var slice = pending.readSlice(length: length) else { throw TDSProtocolError.truncated }
        scratch.writeBuffer(&slice)
    }
}
