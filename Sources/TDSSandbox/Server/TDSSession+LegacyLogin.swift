import NIOCore

extension TDSSession {
    /// A TDS 4.2 / 5.0 login (packet type 0x02, what FreeTDS sends with `TDSVER=4.2` or `5.0`): the sandbox speaks
    /// TDS 7.1 and later only, so it refuses the login with an error the old client can read — an ERROR token in
    /// the TDS 4.2 layout (single-byte strings) and a DONE with the error bit — then closes the connection, as a
    /// refused login ends. Never a bare close: the client learns why.
    func refusePreTDS7Login() throws {
        let text =
            "Login failed. The client uses a TDS protocol version before 7.1, which this server does not "
            + "support. Use TDS 7.1 or later (FreeTDS: tds version = 7.4)."
        let server = Array(configuration.serverName.utf8.prefix(255))
        var body = ByteBuffer()
        body.tdsWriteLE(Int32(18456))
        body.writeInteger(UInt8(1))  // state
        body.writeInteger(UInt8(14))  // class (severity)
        let message = Array(text.utf8)
        body.tdsWriteLE(UInt16(message.count))
        body.writeBytes(message)
        body.writeInteger(UInt8(server.count))
        body.writeBytes(server)
        body.writeInteger(UInt8(0))  // procedure name
        body.tdsWriteLE(UInt16(1))  // line
        output.tokens.writeInteger(TDSToken.error.rawValue)
        output.tokens.tdsWriteLE(UInt16(body.readableBytes))
        output.tokens.writeBuffer(&body)
        output.tokens.writeInteger(TDSToken.done.rawValue)
        output.tokens.tdsWriteLE(UInt16(0x0002))  // DONE_ERROR
        output.tokens.tdsWriteLE(UInt16(0))
        output.tokens.tdsWriteLE(UInt32(0))
        try output.endMessage()
        closeConnection()
    }
}
