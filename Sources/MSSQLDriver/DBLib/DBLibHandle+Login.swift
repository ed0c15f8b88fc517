import CSybDB
import DBCore
import Foundation

extension DBLibHandle {
    /// The server as error messages name it: `host:port`, or `host\instance` (whose TCP port ``SQLBrowserLookup``
    /// asks the SQL Server Browser on UDP 1434 of the host for, or on `options["browser_port"]`).
    static func serverString(_ configuration: ConnectionConfiguration) -> String {
        if let instance = configuration.instanceName, !instance.isEmpty, configuration.port == nil {
            return "\(configuration.host)\\\(instance)"
        }
        return "\(configuration.host):\(configuration.port ?? 1433)"
    }

    /// The TDS version asked for: 7.4 unless `options["tds_version"]` names another (7.0–7.4).
    static func tdsVersion(_ configuration: ConnectionConfiguration) throws -> UInt8 {
        switch try FreeTDSLoginConfig.tdsVersion(configuration) {
        case "7.3": return UInt8(DBVERSION_73)
        case "7.2": return UInt8(DBVERSION_72)
        case "7.1": return UInt8(DBVERSION_71)
        case "7.0": return UInt8(DBVERSION_70)
        default: return UInt8(DBVERSION_74)
        }
    }

    /// Logs in. The LOGINREC carries the login fields (user, password, application, client host, charset,
    /// database, TDS version); where the server is and how to use TLS go into a private freetds.conf section made
    /// from the configuration alone (``FreeTDSLoginConfig``, never a secret), which `dbopen` reads first because
    /// `dbsetifile` names its file. Under the process-wide login lock: the file is written, the login timeout set,
    /// `dbopen` called, and the file removed as soon as `dbopen` returns, so at most one such file exists at a time
    /// and none outlives its login. No user freetds.conf is needed, and a section of the same name in one (the
    /// section is named after the host) does not apply, because ours is read first. For `host\instance`, the
    /// instance's port comes from ``SQLBrowserLookup`` first, outside the lock; the lookup and the login share one
    /// deadline, the connect timeout.
    static func open(_ configuration: ConnectionConfiguration) throws -> DBLibHandle {
        let environment = DBLibEnvironment.shared
        guard environment.initialised else {
            throw DatabaseError(kind: .connectionFailed, message: "dbinit failed: FreeTDS could not initialise")
        }
        let version = try tdsVersion(configuration)
        guard let login = dblogin() else {
            throw DatabaseError(kind: .connectionFailed, message: "dblogin failed: out of memory")
        }
        defer { dbloginfree(login) }
        func set(_ value: String?, _ which: Int32) throws {
            guard let value else { return }
            guard dbsetlname(login, value, which) == SUCCEED else {
                throw DatabaseError.invalidConfiguration("DB-Library refused login field \(which)")
            }
        }
        try set(configuration.user, DBSETUSER)
        if let password = configuration.password { try set(password.revealed, DBSETPWD) }
        try set(configuration.applicationName ?? "swift-db-drivers", DBSETAPP)
        try set(configuration.options["workstation_id"] ?? ProcessInfo.processInfo.hostName, DBSETHOST)
        try set(configuration.options["language"], DBSETNATLANG)
        if let packetSize = try FreeTDSLoginConfig.packetSize(configuration) {
            _ = dbsetllong(login, packetSize, DBSETPACKET)
        }
        try set("UTF-8", DBSETCHARSET)
        try set(configuration.database, DBSETDBNAME)
        _ = dbsetlversion(login, version)
        _ = dbsetlbool(login, 1, DBSETBCP)  // BCP_SETL: allows bulk copy (MSSQLConnection+BulkCopy)

        var loginConfig = try FreeTDSLoginConfig(configuration)
        try loginConfig.checkCAFileReadable()
        var server = serverString(configuration)
        // One deadline for the Browser lookup and the login together.
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(loginTimeout(configuration) * 1000))
        if loginConfig.port == nil, let instance = loginConfig.instance {
            // Before the login lock: a silent Browser must not hold up other logins.
            let port = try SQLBrowserLookup.port(
                host: loginConfig.host, instance: instance, browserPort: loginConfig.browserPort,
                timeout: loginTimeout(configuration))
            loginConfig.port = port
            server += " (port \(port) from the SQL Server Browser)"
        }
        let files = FreeTDSLoginFiles.shared

        let messages = DBLibMessages()
        messages.setLoggingIn(true)
        defer { messages.setLoggingIn(false) }
        let dbproc: OpaquePointer? = try environment.withLogin(messages: messages) {
            let file = try files.write(loginConfig)
            defer {
                files.remove(file)
                withFreeTDSString("") { dbsetifile($0) }
            }
            withFreeTDSString(file.path) { dbsetifile($0) }
            _ = dbsetlogintime(loginSeconds(remaining: deadline - clock.now))
            guard let dbproc = csybdb_open(login, loginConfig.sectionName) else { return nil }
            let handle = Unmanaged.passUnretained(messages).toOpaque().assumingMemoryBound(to: UInt8.self)
            dbsetuserdata(dbproc, handle)
            return dbproc
        }
        guard let dbproc else {
            throw loginError(messages.takeErrors(), server: server, configuration: configuration)
        }
        let handle = DBLibHandle(dbproc: dbproc, messages: messages)
        _ = messages.takeErrors()
        return handle
    }

    /// The connect timeout in seconds: ``ConnectionConfiguration/connectTimeout`` (15 by default) kept between 0
    /// and a day, so that no later conversion to milliseconds or `Int32` can overflow.
    static func loginTimeout(_ configuration: ConnectionConfiguration) -> Double {
        let timeout = configuration.connectTimeout ?? 15
        guard !timeout.isNaN else { return 15 }
        return min(max(timeout, 0), 86_400)
    }

    /// The `dbsetlogintime` value for what the Browser lookup and the wait for the login lock left of the
    /// deadline: whole seconds rounded up, at least 1 (0 would mean no limit to DB-Library).
    static func loginSeconds(remaining: Duration) -> Int32 {
        let seconds = remaining / .seconds(1)
        return Int32(clamping: Int(min(max(1, seconds.rounded(.up)), 86_400)))
    }

    /// The error for a failed login: the server's own message when it sent one (18456 …), else DB-Library's, with
    /// the ``LoginFailureHints`` (TLS required) when the server sent none.
    private static func loginError(
        _ errors: [DatabaseError], server: String, configuration: ConnectionConfiguration
    ) -> DatabaseError {
        let serverError = errors.first { error in
            if case .sqlServer(let number, _, _) = error.code { return number < 20000 || number > 29999 }
            return false
        }
        var error =
            serverError ?? errors.first { $0.kind != .other } ?? errors.first
            ?? DatabaseError(kind: .connectionFailed, message: "could not connect to \(server)")
        if error.kind == .other || error.kind == .connectionLost { error.kind = .connectionFailed }
        let others = errors.filter { $0.message != error.message }
        if !others.isEmpty { error.detail = others.map(\.description).joined(separator: "\n") }
        if !error.message.contains(server) { error.message += " [server \(server)]" }
        if serverError == nil {
            var number: Int?
            if case .sqlServer(let code, _, _) = error.code { number = code }
            if let hints = LoginFailureHints.text(for: configuration, dblibNumber: number) {
                error.message += "; " + hints
            }
        }
        return error
    }
}

/// Calls `body` with a C copy of `text` that DB-Library may keep or change (`dbsetifile` takes `char *`; FreeTDS
/// copies it).
private func withFreeTDSString(_ text: String, _ body: (UnsafeMutablePointer<CChar>) -> Void) {
    var bytes = Array(text.utf8CString)
    bytes.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
