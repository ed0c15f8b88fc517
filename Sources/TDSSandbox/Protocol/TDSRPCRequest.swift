import NIOCore

/// One RPC of an RPC request message (packet type 3, [MS-TDS] 2.2.6.6).
struct TDSRPCCall: Sendable {
    /// The procedure name (well-known procedure ids are given their names).
    var procedure: String
    /// The option flags (fWithRecomp 0x1, fNoMetaData 0x2, fReuseMetaData 0x4).
    var optionFlags: UInt16
    /// The parameters, in order.
    var parameters: [RPCParameter]
    /// `false` when the client followed it with the NoExecFlag (0xFE): it is answered with an error, not run.
    var shouldExecute = true
}

/// Parses RPC request messages: ALL_HEADERS, then one or more RPCs separated by a batch flag
/// (0xFF, 0x80 before 7.2) or the no-exec flag 0xFE.
enum TDSRPCRequest {
    /// The names of the procedure ids ([MS-TDS] 2.2.6.6).
    static let procedureNames: [UInt16: String] = [
        1: "sp_cursor", 2: "sp_cursoropen", 3: "sp_cursorprepare", 4: "sp_cursorexecute", 5: "sp_cursorprepexec",
        6: "sp_cursorunprepare", 7: "sp_cursorfetch", 8: "sp_cursoroption", 9: "sp_cursorclose", 10: "sp_executesql",
        11: "sp_prepare", 12: "sp_execute", 13: "sp_prepexec", 14: "sp_prepexecrpc", 15: "sp_unprepare",
    ]

    /// Parses a whole RPC request message.
    static func parse(_ message: ByteBuffer, version: TDSVersion) throws -> [TDSRPCCall] {
        var reader = message
        if version.hasAllHeaders { try TDSAllHeaders.skip(&reader) }
        var calls: [TDSRPCCall] = []
        let separators: Set<UInt8> = version.hasAllHeaders ? [0xFF, 0xFE] : [0x80]
        repeat {
            calls.append(try parseCall(&reader, separators: separators))
            guard calls.count <= 10_000 else { throw TDSProtocolError("too many RPCs in one request") }
            if let next = reader.getInteger(at: reader.readerIndex, as: UInt8.self), separators.contains(next) {
                reader.moveReaderIndex(forwardBy: 1)
                if next == 0xFE { calls[calls.count - 1].shouldExecute = false }
            }
        } while reader.readableBytes > 0
        return calls
    }

    private static func parseCall(_ reader: inout ByteBuffer, separators: Set<UInt8>) throws -> TDSRPCCall {
        let nameLength = try reader.tdsReadLE(UInt16.self)
        let procedure: String
        if nameLength == 0xFFFF {
            let id = try reader.tdsReadLE(UInt16.self)
            guard let name = procedureNames[id] else { throw TDSProtocolError("unknown procedure id \(id)") }
            procedure = name
        } else {
            procedure = try reader.tdsReadUCS2(characters: Int(nameLength))
        }
        let flags = try reader.tdsReadLE(UInt16.self)
        var parameters: [RPCParameter] = []
        while let next = reader.getInteger(at: reader.readerIndex, as: UInt8.self), !separators.contains(next) {
            let name = try reader.tdsReadBVarchar()
            let status = try reader.tdsReadUInt8()
            guard status & 0x08 == 0 else { throw TDSProtocolError("encrypted parameters are not supported") }
            let (type, value) = try TDSValueDecoder.readTypedValue(&reader)
            parameters.append(RPCParameter(name: name, type: type, value: value, isOutput: status & 0x01 != 0))
            guard parameters.count <= 2100 else { throw TDSProtocolError("too many parameters") }
        }
        return TDSRPCCall(procedure: procedure, optionFlags: flags, parameters: parameters)
    }
}
