import NIOCore

extension TDSSession {
    /// Answers PRELOGIN with the negotiated encryption; a TLS handshake (the handler is told before the answer
    /// goes out, so it is ready for the client's first handshake packet) or a disconnect may follow.
    func prelogin(_ payload: ByteBuffer) throws {
        let request = try PreloginMessage.parse(payload)
        let negotiation = EncryptionNegotiation.negotiate(policy: configuration.encryption, client: request.encryption)
        switch negotiation.outcome {
        case .loginOnly, .full:
            channel.triggerUserOutboundEvent(
                TDSTLSHandler.StartHandshake(loginOnly: negotiation.outcome == .loginOnly), promise: nil)
        case .plaintext, .terminate:
            break
        }
        let v = configuration.programVersion
        output.tokens = PreloginMessage.reply(version: (v.major, v.minor, v.build), encryption: negotiation.reply)
        try output.endMessage()
        if negotiation.outcome == .terminate { return closeConnection() }
        phase = .login
    }
}
