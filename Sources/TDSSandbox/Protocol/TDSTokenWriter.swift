import DBCore
import NIOCore

/// Writes the tokens of the tabular result stream for one negotiated TDS version.
struct TDSTokenWriter: Sendable {
    /// The negotiated version (7.1 uses 4-byte row counts and 2-byte user types).
    var version: TDSVersion
    /// The server name put in INFO and ERROR tokens.
    var serverName: String

    /// LOGINACK ([MS-TDS] 2.2.7.14): interface 1 (SQL), the TDS version, the program name and version.
    func writeLoginAck(programName: String, programVersion: (UInt8, UInt8, UInt16), into buffer: inout ByteBuffer) {
        buffer.writeInteger(TDSToken.loginAck.rawValue)
        buffer.tdsWriteLengthPrefixed { body in
            body.writeInteger(UInt8(1))
            body.writeInteger(version.rawValue, endianness: .big)
            body.tdsWriteBVarchar(programName)
            body.writeInteger(programVersion.0)
            body.writeInteger(programVersion.1)
            body.writeInteger(programVersion.2, endianness: .big)
        }
    }

    /// ENVCHANGE with B_VARCHAR new and old values (database 1, language 2, packet size 4).
    func writeEnvChange(type: UInt8, new: String, old: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(TDSToken.envChange.rawValue)
        buffer.tdsWriteLengthPrefixed { body in
            body.writeInteger(type)
            body.tdsWriteBVarchar(new)
            body.tdsWriteBVarchar(old)
        }
    }

    /// ENVCHANGE with B_VARBYTE new and old values (collation 7, transactions 8/9/10).
    func writeEnvChange(type: UInt8, newBytes: [UInt8], oldBytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeInteger(TDSToken.envChange.rawValue)
        buffer.tdsWriteLengthPrefixed { body in
            body.writeInteger(type)
            body.tdsWriteBVarbyte(newBytes)
            body.tdsWriteBVarbyte(oldBytes)
        }
    }

    /// The ENVCHANGE of an engine event.
    func writeEnvChange(_ change: EnvironmentChange, into buffer: inout ByteBuffer) {
        func descriptor(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
        if case .database = change {} else if !sendsTransactionEnvChanges { return }
        switch change {
        case .database(let new, let old): writeEnvChange(type: 1, new: new, old: old, into: &buffer)
        case .beginTransaction(let d): writeEnvChange(type: 8, newBytes: descriptor(d), oldBytes: [], into: &buffer)
        case .commitTransaction(let d): writeEnvChange(type: 9, newBytes: [], oldBytes: descriptor(d), into: &buffer)
        case .rollbackTransaction(let d):
            writeEnvChange(type: 10, newBytes: [], oldBytes: descriptor(d), into: &buffer)
        }
    }

    /// ERROR (severity > 10) or INFO ([MS-TDS] 2.2.7.10, 2.2.7.13).
    func writeMessage(_ message: SQLServerMessage, into buffer: inout ByteBuffer) {
        let token: TDSToken = message.severity > 10 ? .error : .info
        buffer.writeInteger(token.rawValue)
        buffer.tdsWriteLengthPrefixed { body in
            body.tdsWriteLE(Int32(truncatingIfNeeded: message.number))
            body.writeInteger(UInt8(clamping: message.state))
            body.writeInteger(UInt8(clamping: message.severity))
            body.tdsWriteUSVarchar(message.message)
            body.tdsWriteBVarchar(serverName)
            body.tdsWriteBVarchar(message.procedure)
            if version.hasLongRowCounts {
                body.tdsWriteLE(Int32(truncatingIfNeeded: message.line))
            } else {
                body.tdsWriteLE(UInt16(clamping: message.line))
            }
        }
    }

    /// DONE, DONEPROC or DONEINPROC.
    func writeDone(
        _ token: TDSToken = .done, status: TDSDoneStatus, command: UInt16 = TDSCurrentCommand.none, rowCount: Int = 0,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeInteger(token.rawValue)
        buffer.tdsWriteLE(status.rawValue)
        buffer.tdsWriteLE(command)
        if version.hasLongRowCounts {
            buffer.tdsWriteLE(UInt64(clamping: max(rowCount, 0)))
        } else {
            buffer.tdsWriteLE(UInt32(clamping: max(rowCount, 0)))
        }
    }

    /// RETURNSTATUS.
    func writeReturnStatus(_ status: Int32, into buffer: inout ByteBuffer) {
        buffer.writeInteger(TDSToken.returnStatus.rawValue)
        buffer.tdsWriteLE(status)
    }

    /// COLMETADATA ([MS-TDS] 2.2.7.4): user type 0, flags (nullable, updatable unknown), TYPE_INFO, name.
    func writeColumnMetadata(_ columns: [ResultColumn], into buffer: inout ByteBuffer) throws {
        let start = buffer.writerIndex
        do {
            buffer.writeInteger(TDSToken.columnMetadata.rawValue)
            buffer.tdsWriteLE(UInt16(clamping: columns.count))
            for column in columns {
                writeUserType(into: &buffer)
                buffer.tdsWriteLE(UInt16(column.isNullable ? 0x0009 : 0x0008))
                if let legacy = legacyLargeType(column.type) {
                    writeLegacyLargeTypeInfo(legacy, into: &buffer)
                } else {
                    try column.type.wireType(for: version).writeTypeInfo(into: &buffer)
                }
                buffer.tdsWriteBVarchar(column.name)
            }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// ROW, or NBCROW (7.3+) when the row has a NULL: a bitmap of the NULL columns, then the other values.
    func writeRow(_ values: [SQLValue], columns: [ResultColumn], into buffer: inout ByteBuffer) throws {
        guard values.count == columns.count else {
            throw TDSValueError(
                message: SQLServerMessage(
                    number: 50000, severity: 16,
                    message: "The engine produced a row of \(values.count) values for \(columns.count) columns."))
        }
        let start = buffer.writerIndex
        do {
            if version.hasNullBitmapRows, values.contains(where: \.isNull) {
                buffer.writeInteger(TDSToken.nbcRow.rawValue)
                var bitmap = [UInt8](repeating: 0, count: (values.count + 7) / 8)
                for (index, value) in values.enumerated() where value.isNull {
                    bitmap[index / 8] |= UInt8(1) << UInt8(index % 8)
                }
                buffer.writeBytes(bitmap)
                for (value, column) in zip(values, columns) where !value.isNull {
                    try writeValue(value, as: column.type, into: &buffer)
                }
            } else {
                buffer.writeInteger(TDSToken.row.rawValue)
                for (value, column) in zip(values, columns) {
                    try writeValue(value, as: column.type, into: &buffer)
                }
            }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// RETURNVALUE ([MS-TDS] 2.2.7.19): ordinal, name, status 1 (output parameter), user type, flags, TYPE_INFO,
    /// value.
    func writeReturnValue(_ parameter: RPCParameter, ordinal: Int, into buffer: inout ByteBuffer) throws {
        let start = buffer.writerIndex
        do {
            buffer.writeInteger(TDSToken.returnValue.rawValue)
            buffer.tdsWriteLE(UInt16(clamping: ordinal))
            buffer.tdsWriteBVarchar(parameter.name)
            buffer.writeInteger(UInt8(0x01))
            writeUserType(into: &buffer)
            buffer.tdsWriteLE(UInt16(0x0009))
            try parameter.type.wireType(for: version).writeTypeInfo(into: &buffer)
            try writeValue(parameter.value, as: parameter.type, into: &buffer)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Writes a value as its column type, or as the text a pre-7.3 client receives for a date/time type.
    func writeValue(_ value: SQLValue, as type: TSQLType, into buffer: inout ByteBuffer) throws {
        if let legacy = legacyLargeType(type) {
            try writeLegacyLargeValue(value, code: legacy, into: &buffer)
        } else if version.hasDateTimeTypes {
            try TDSValueEncoder.write(value, as: type, into: &buffer)
        } else {
            try TDSValueEncoder.write(
                type.wireValue(value, for: version), as: type.wireType(for: version), into: &buffer)
        }
    }

    private func writeUserType(into buffer: inout ByteBuffer) {
        if version.hasLongUserTypes { buffer.tdsWriteLE(UInt32(0)) } else { buffer.tdsWriteLE(UInt16(0)) }
    }
}
