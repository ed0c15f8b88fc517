import NIOCore

extension TDSSession {
    /// Answers LOGIN7: refuses versions before 7.1 and SSPI, asks the factory for an engine, and sends the
    /// login acknowledgement (or the refusal, closing the connection).
    func login(_ payload: ByteBuffer) throws {
        let request = try Login7Request.parse(payload)
        if let refusal = configuration.loginRefusals?.nextRefusal() { return try refuseLogin(refusal) }
        let encryption = tlsStatus.encryption
        recordLogin(encryption)
        guard let negotiated = TDSVersion.negotiate(clientVersion: request.tdsVersion) else {
            version = .v7_1  // 7.0 reads tokens as 7.1 does (4-byte DONE counts, 2-byte user types)
            return try refuseLogin(
                SQLServerMessage(
                    number: 18456, severity: 14, message: "Login failed: TDS versions before 7.1 are not supported."))
        }
        version = negotiated
        if request.usesSSPI {
            return try refuseLogin(
                SQLServerMessage(
                    number: 18452, severity: 14,
                    message: "Login failed. The login is from an untrusted domain and cannot be used with "
                        + "Integrated authentication."))
        }
        let login = SandboxLogin(
            user: request.userName, password: request.password, database: request.database,
            applicationName: request.appName, hostName: request.hostName, encryption: encryption)
        let engine: any SessionEngine
        do {
            engine = try factory(login)
        } catch let message as SQLServerMessage {
            return try refuseLogin(message)
        } catch {
            return try refuseLogin(
                SQLServerMessage(number: 18456, severity: 14, message: "Login failed for user '\(request.userName)'."))
        }
        // The sandbox's own engine may hand rows over in place: they are encoded during `emit` (TDSSession.execute).
        (engine as? PostgresSessionEngine)?.emitsRowViews = true
        self.engine = engine
        let stillOpen = withLock { state -> Bool in
            state.engine = engine
            return !state.closed
        }
        guard stillOpen else { return shutdown() }
        let requested = Int(request.packetSize)
        let packetSize =
            requested == 0
            ? TDSPacketLayout.defaultPacketSize
            : min(max(requested, TDSPacketLayout.minimumPacketSize), TDSPacketLayout.maximumPacketSize)
        let response = TDSLoginResponse(
            writer: writer, database: engine.currentDatabase, packetSize: packetSize, requestedPacketSize: requested,
            programName: configuration.programName,
            programVersion: (
                configuration.programVersion.major, configuration.programVersion.minor,
                configuration.programVersion.build
            ))
        response.write(into: &output.tokens)
        try output.endMessage()
        output.packetSize = packetSize
        phase = .loggedIn
    }

    /// Sends a failed-login answer and closes the connection.
    func refuseLogin(_ message: SQLServerMessage) throws {
        TDSLoginResponse.writeFailure(message, writer: writer, into: &output.tokens)
        try output.endMessage()
        closeConnection()
    }
}
