import NIOCore

/// The tokens answering a successful LOGIN7, in SQL Server's order: ENVCHANGE database, INFO 5701,
/// ENVCHANGE collation, ENVCHANGE language, INFO 5703, LOGINACK, ENVCHANGE packet size, DONE.
struct TDSLoginResponse {
    var writer: TDSTokenWriter
    var database: String
    var packetSize: Int
    var requestedPacketSize: Int
    var programName: String
    var programVersion: (UInt8, UInt8, UInt16)

    /// Writes the response.
    func write(into buffer: inout ByteBuffer) {
        writer.writeEnvChange(type: 1, new: database, old: "master", into: &buffer)
        writer.writeMessage(
            SQLServerMessage(
                number: 5701, state: 2, severity: 0, message: "Changed database context to '\(database)'.", line: 1),
            into: &buffer)
        writer.writeEnvChange(type: 7, newBytes: TDSCollation.latin1GeneralCIAS, oldBytes: [], into: &buffer)
        writer.writeEnvChange(type: 2, new: "us_english", old: "", into: &buffer)
        writer.writeMessage(
            SQLServerMessage(
                number: 5703, state: 1, severity: 0, message: "Changed language setting to us_english.", line: 1),
            into: &buffer)
        writer.writeLoginAck(programName: programName, programVersion: programVersion, into: &buffer)
        writer.writeEnvChange(type: 4, new: String(packetSize), old: String(requestedPacketSize), into: &buffer)
        writer.writeDone(status: [], into: &buffer)
    }

    /// The tokens of a refused login: the ERROR (e.g. 18456) and a DONE with the error bit.
    static func writeFailure(_ message: SQLServerMessage, writer: TDSTokenWriter, into buffer: inout ByteBuffer) {
        writer.writeMessage(message, into: &buffer)
        writer.writeDone(status: .error, into: &buffer)
    }
}
