import DBCore
import Foundation

/// Decodes the tokens of a TDS 7.4 tabular result stream ([MS-TDS] 2.2.7) from a ``WireClient``, written apart from
/// the sandbox's own encoder so that the end-to-end tests check the bytes against the specification, not against
/// the code that produced them.
struct WireTokenDecoder {
    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    /// The columns of the current result set (rows are decoded with them).
    private(set) var columns: [WireColumn] = []

    /// Decodes the next token.
    mutating func next(from client: WireClient) throws -> WireToken {
        let token = try client.byte()
        switch token {
        case 0x81:
            let count = Int(try client.unsigned(2))
            if count == 0xFFFF { return .columns(columns) }
            var decoded: [WireColumn] = []
            for _ in 0..<count {
                _ = try client.unsigned(4)  // user type
                let flags = UInt16(try client.unsigned(2))
                var column = try Self.typeInfo(client, flags: flags)
                column.name = try Self.bVarchar(client)
                decoded.append(column)
            }
            columns = decoded
            return .columns(decoded)
        case 0xD1:
            return .row(try columns.map { try WireValueDecoder.value(of: $0, from: client) })
        case 0xD2:
            let bitmap = Array(try client.take((columns.count + 7) / 8))
            var values: [SQLValue] = []
            values.reserveCapacity(columns.count)
            for (position, column) in columns.enumerated() {
                if bitmap[position / 8] & (1 << (position % 8)) != 0 {
                    values.append(.null)
                } else {
                    values.append(try WireValueDecoder.value(of: column, from: client))
                }
            }
            return .row(values)
        case 0xFD, 0xFE, 0xFF:
            let status = UInt16(try client.unsigned(2))
            let command = UInt16(try client.unsigned(2))
            return .done(WireDone(token: token, status: status, command: command, rowCount: try client.unsigned(8)))
        case 0xAA, 0xAB:
            _ = try client.unsigned(2)
            let number = Int(Int32(truncatingIfNeeded: try client.unsigned(4)))
            let state = Int(try client.byte())
            let severity = Int(try client.byte())
            let text = WireValueDecoder.utf16(try client.take(Int(try client.unsigned(2)) * 2))
            let server = try Self.bVarchar(client)
            let procedure = try Self.bVarchar(client)
            let line = Int(Int32(truncatingIfNeeded: try client.unsigned(4)))
            return .message(
                WireMessage(
                    isError: token == 0xAA, number: number, state: state, severity: severity, text: text,
                    server: server, procedure: procedure, line: line))
        case 0xE3:
            let length = Int(try client.unsigned(2))
            let body = Array(try client.take(length))
            guard let type = body.first else { throw DecodeError(description: "empty ENVCHANGE") }
            // B_VARCHAR values (types 1-6, 13) count characters; the others count bytes.
            let unit = [1, 2, 3, 4, 5, 6, 13].contains(Int(type)) ? 2 : 1
            var position = 1
            func value() throws -> [UInt8] {
                guard position < body.count else { throw DecodeError(description: "ENVCHANGE truncated") }
                let count = Int(body[position]) * unit
                guard position + 1 + count <= body.count else { throw DecodeError(description: "ENVCHANGE truncated") }
                defer { position += 1 + count }
                return Array(body[(position + 1)..<(position + 1 + count)])
            }
            let new = try value()
            let old = try value()
            guard position == body.count else { throw DecodeError(description: "ENVCHANGE length mismatch") }
            return .envChange(WireEnvChange(type: type, new: new, old: old))
        case 0xAD:
            let body = Array(try client.take(Int(try client.unsigned(2))))
            guard body.count >= 5 else { throw DecodeError(description: "LOGINACK truncated") }
            return .loginAck(tdsVersion: body[1...4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        case 0x79:
            return .returnStatus(Int32(truncatingIfNeeded: try client.unsigned(4)))
        case 0xAC:
            _ = try client.unsigned(2)  // ordinal
            let name = try Self.bVarchar(client)
            _ = try client.byte()  // status
            _ = try client.unsigned(4)  // user type
            let flags = UInt16(try client.unsigned(2))
            var column = try Self.typeInfo(client, flags: flags)
            column.name = name
            return .returnValue(name: name, column: column, value: try WireValueDecoder.value(of: column, from: client))
        case 0xA9, 0xA4, 0xA5:
            _ = try client.take(Int(try client.unsigned(2)))
            return .other(token)
        default:
            throw DecodeError(description: "unknown token 0x\(String(token, radix: 16))")
        }
    }

    /// TYPE_INFO ([MS-TDS] 2.2.5.6) for the types a server sends in COLMETADATA.
    static func typeInfo(_ client: WireClient, flags: UInt16) throws -> WireColumn {
        let type = try client.byte()
        var column = WireColumn(name: "", typeByte: type, flags: flags)
        switch type {
        case 0x26, 0x68, 0x6D, 0x6E, 0x6F, 0x24:  // INTN, BITN, FLTN, MONEYN, DATETIMN, GUID
            column.maxLength = Int(try client.byte())
        case 0x6A, 0x6C:  // DECIMALN, NUMERICN
            column.maxLength = Int(try client.byte())
            column.precision = Int(try client.byte())
            column.scale = Int(try client.byte())
        case 0x28:  // DATEN
            break
        case 0x29, 0x2A, 0x2B:  // TIMEN, DATETIME2N, DATETIMEOFFSETN
            column.scale = Int(try client.byte())
        case 0xA7, 0xAF, 0xE7, 0xEF:  // BIGVARCHAR, BIGCHAR, NVARCHAR, NCHAR
            column.maxLength = Int(try client.unsigned(2))
            column.collation = Array(try client.take(5))
        case 0xA5, 0xAD:  // BIGVARBINARY, BIGBINARY
            column.maxLength = Int(try client.unsigned(2))
        default:
            throw DecodeError(description: "TYPE_INFO 0x\(String(type, radix: 16)) is not expected from the sandbox")
        }
        return column
    }

    /// B_VARCHAR: a one-byte character count and UCS-2 text.
    static func bVarchar(_ client: WireClient) throws -> String {
        WireValueDecoder.utf16(try client.take(Int(try client.byte()) * 2))
    }
}
