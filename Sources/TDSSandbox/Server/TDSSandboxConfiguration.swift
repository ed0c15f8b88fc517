/// Settings of a ``TDSSandboxServer``.
public struct TDSSandboxConfiguration: Sendable {
    /// The server name sent in INFO and ERROR tokens.
    public var serverName: String
    /// The program name sent in LOGINACK.
    public var programName: String
    /// The program version sent in LOGINACK and PRELOGIN (major, minor, build).
    public var programVersion: (major: UInt8, minor: UInt8, build: UInt16)
    /// The largest client message accepted (all packets of one request together); a larger one closes the session.
    public var maximumMessageSize: Int
    /// The number of event-loop threads.
    public var eventLoopThreads: Int
    /// The server certificate and key for TLS, or `nil` for a server without TLS (as before TLS existed).
    public var tls: TDSSandboxTLSConfiguration?
    private var encryptionChoice: TDSSandboxEncryptionPolicy?
    /// Seconds a connection may stay silent before its LOGIN7 arrived (counted from the connect and from each
    /// byte it sends) before the server closes it, as SQL Server drops idle pre-login sockets; `nil` never
    /// closes them. The clock stops for good once the LOGIN7 is whole, so a slow login or a long-idle session
    /// is never cut. Default 5 seconds.
    public var preloginTimeout: Double? = 5
    /// Whether the server refuses every bulk-load message (packet type 0x07, what `freebcp`, DB-Library's bcp
    /// and SqlBulkCopy send after `INSERT BULK`) with error 4804 and stores none of its rows, as a server that
    /// cannot read the client's bulk stream does (Babelfish rejects FreeTDS's). For testing that clients report
    /// such a refusal honestly. Default `false`.
    public var refusesBulkLoad = false
    /// A test hook that refuses the first logins with a given error (``TDSSandboxLoginRefusals``); `nil` for none.
    public var loginRefusals: TDSSandboxLoginRefusals?

    /// How the server negotiates encryption. Unless set, ``TDSSandboxEncryptionPolicy/supported`` when ``tls``
    /// is set and ``TDSSandboxEncryptionPolicy/notSupported`` otherwise. A policy other than `notSupported`
    /// without ``tls`` makes ``TDSSandboxServer/start(host:port:engineFactory:)`` throw.
    public var encryption: TDSSandboxEncryptionPolicy {
        get { encryptionChoice ?? (tls == nil ? .notSupported : .supported) }
        set { encryptionChoice = newValue }
    }

    /// Creates a configuration. The default message limit, 64 MiB, leaves room for large `varbinary(max)`
    /// parameters while refusing absurd ones. `encryption` `nil` picks the default described at ``encryption``.
    public init(
        serverName: String = "TDSSANDBOX", programName: String = "TDS Sandbox",
        programVersion: (major: UInt8, minor: UInt8, build: UInt16) = (16, 0, 1000),
        maximumMessageSize: Int = 64 * 1024 * 1024, eventLoopThreads: Int = 2,
        tls: TDSSandboxTLSConfiguration? = nil, encryption: TDSSandboxEncryptionPolicy? = nil,
        loginRefusals: TDSSandboxLoginRefusals? = nil
    ) {
        self.loginRefusals = loginRefusals
        self.serverName = serverName
        self.programName = programName
        self.programVersion = programVersion
        self.maximumMessageSize = maximumMessageSize
        self.eventLoopThreads = eventLoopThreads
        self.tls = tls
        self.encryptionChoice = encryption
    }
}
