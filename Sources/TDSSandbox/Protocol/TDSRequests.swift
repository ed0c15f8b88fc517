import Foundation
import NIOCore

/// ALL_HEADERS ([MS-TDS] 2.2.5.3): the headers that start SQL batch, RPC and transaction manager requests
/// in TDS 7.2+. The sandbox reads the transaction descriptor and skips the others, validating every length.
enum TDSAllHeaders {
    /// Consumes ALL_HEADERS from `buffer`; returns the transaction descriptor if one was sent.
    @discardableResult
    static func skip(_ buffer: inout ByteBuffer) throws -> UInt64? {
        let totalLength = Int(try buffer.tdsReadLE(UInt32.self))
        guard totalLength >= 4, totalLength - 4 <= buffer.readableBytes else {
            throw TDSProtocolError("ALL_HEADERS length \(totalLength) is out of range")
        }
        guard var headers = buffer.readSlice(length: totalLength - 4) else { throw TDSProtocolError.truncated }
        var descriptor: UInt64?
        while headers.readableBytes > 0 {
            let length = Int(try headers.tdsReadLE(UInt32.self))
            guard length >= 6, length - 4 <= headers.readableBytes else {
                throw TDSProtocolError("header length \(length) is out of range")
            }
            guard var header = headers.readSlice(length: length - 4) else { throw TDSProtocolError.truncated }
            let type = try header.tdsReadLE(UInt16.self)
            if type == 2 { descriptor = try header.tdsReadLE(UInt64.self) }
        }
        return descriptor
    }
}

/// A SQL batch request (packet type 1): optional ALL_HEADERS, then UCS-2 text.
enum TDSSQLBatch {
    /// The batch text.
    static func parse(_ message: ByteBuffer, version: TDSVersion) throws -> String {
        var reader = message
        if version.hasAllHeaders { try TDSAllHeaders.skip(&reader) }
        guard reader.readableBytes % 2 == 0 else { throw TDSProtocolError("SQL batch text has an odd length") }
        return try reader.tdsReadUCS2(characters: reader.readableBytes / 2)
    }
}

/// A transaction manager request (packet type 14), as the T-SQL the engine runs for it.
enum TDSTransactionManagerRequest {
    /// The T-SQL equivalent of the request: `BEGIN TRANSACTION`, `COMMIT TRANSACTION`, `ROLLBACK TRANSACTION`
    /// (optionally to a savepoint and followed by a new `BEGIN TRANSACTION`) or `SAVE TRANSACTION`.
    static func parse(_ message: ByteBuffer, version: TDSVersion) throws -> String {
        var reader = message
        if version.hasAllHeaders { try TDSAllHeaders.skip(&reader) }
        let requestType = try reader.tdsReadLE(UInt16.self)
        func name(_ reader: inout ByteBuffer) throws -> String {
            let bytes = try reader.tdsReadBVarbyte()
            guard bytes.count % 2 == 0 else { throw TDSProtocolError("transaction name has an odd length") }
            return UCS2.decode(bytes)
        }
        func named(_ statement: String, _ name: String) -> String {
            name.isEmpty ? statement : statement + " " + quoted(name)
        }
        func begin(isolation: UInt8, name: String) throws -> String {
            let level: String
            switch isolation {
            case 0: return named("BEGIN TRANSACTION", name)
            case 1: level = "READ UNCOMMITTED"
            case 2: level = "READ COMMITTED"
            case 3: level = "REPEATABLE READ"
            case 4: level = "SERIALIZABLE"
            case 5: level = "SNAPSHOT"
            default: throw TDSProtocolError("unknown isolation level \(isolation)")
            }
            return "SET TRANSACTION ISOLATION LEVEL \(level); " + named("BEGIN TRANSACTION", name)
        }
        switch requestType {
        case 5:
            let isolation = try reader.tdsReadUInt8()
            return try begin(isolation: isolation, name: try name(&reader))
        case 7, 8:
            let transactionName = try name(&reader)
            let flags = reader.readableBytes > 0 ? try reader.tdsReadUInt8() : 0
            var sql = named(requestType == 7 ? "COMMIT TRANSACTION" : "ROLLBACK TRANSACTION", transactionName)
            if flags & 0x01 != 0 {
                let isolation = try reader.tdsReadUInt8()
                sql += "; " + (try begin(isolation: isolation, name: try name(&reader)))
            }
            return sql
        case 9:
            let savepoint = try name(&reader)
            guard !savepoint.isEmpty else { throw TDSProtocolError("TM_SAVE_XACT without a savepoint name") }
            return named("SAVE TRANSACTION", savepoint)
        default:
            throw TDSProtocolError("transaction manager request \(requestType) is not supported")
        }
    }

    /// A bracket-quoted identifier.
    static func quoted(_ name: String) -> String {
        "[" + name.replacingOccurrences(of: "]", with: "]]") + "]"
    }
}
