import CSybDB
import DBCore
import Foundation

extension DBLibHandle {
    /// The DB-Library server string: `host:port`, or `host\instance` (FreeTDS asks the SQL Browser on UDP 1434).
    static func serverString(_ configuration: ConnectionConfiguration) -> String {
        if let instance = configuration.instanceName, !instance.isEmpty, configuration.port == nil {
            return "\(configuration.host)\\\(instance)"
        }
        return "\(configuration.host):\(configuration.port ?? 1433)"
    }

    /// The TDS version asked for: 7.4 unless `options["tds_version"]` names another (7.0–7.4).
    static func tdsVersion(_ configuration: ConnectionConfiguration) throws -> UInt8 {
        switch configuration.options["tds_version"] ?? configuration.options["tdsVersion"] ?? "7.4" {
        case "7.4": return UInt8(DBVERSION_74)
        case "7.3": return UInt8(DBVERSION_73)
        case "7.2": return UInt8(DBVERSION_72)
        case "7.1": return UInt8(DBVERSION_71)
        case "7.0": return UInt8(DBVERSION_70)
        case let other: throw DatabaseError.invalidConfiguration("tds_version \(other) is not one of 7.0–7.4")
        }
    }

    /// Logs in: builds the LOGINREC entirely in code (no freetds.conf, no environment) and calls `dbopen` under the
    /// process-wide login lock, with the login timeout set just before.
    ///
    /// TLS: FreeTDS 1.3's DB-Library has no call to choose the encryption level (`DBSETENCRYPT` is accepted by the
    /// header but `dbsetlbool` rejects it), so every login uses FreeTDS's default for TDS 7.x, "request": TLS when
    /// the server supports it, and always when the server requires it. The certificate is not verified.
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
        try set(ProcessInfo.processInfo.hostName, DBSETHOST)
        try set("UTF-8", DBSETCHARSET)
        try set(configuration.database, DBSETDBNAME)
        _ = dbsetlversion(login, version)
        _ = dbsetlbool(login, 1, DBSETBCP)  // BCP_SETL: allows bulk copy (MSSQLConnection+BulkCopy)

        let messages = DBLibMessages()
        messages.setLoggingIn(true)
        defer { messages.setLoggingIn(false) }
        let server = serverString(configuration)
        let seconds = Int32(max(1, (configuration.connectTimeout ?? 15).rounded(.up)))
        let dbproc: OpaquePointer? = environment.withLogin(messages: messages) {
            _ = dbsetlogintime(seconds)
            guard let dbproc = csybdb_open(login, server) else { return nil }
            let handle = Unmanaged.passUnretained(messages).toOpaque().assumingMemoryBound(to: UInt8.self)
            dbsetuserdata(dbproc, handle)
            return dbproc
        }
        guard let dbproc else {
            throw loginError(messages.takeErrors(), server: server)
        }
        let handle = DBLibHandle(dbproc: dbproc, messages: messages)
        _ = messages.takeErrors()
        return handle
    }

    /// The error for a failed login: the server's own message when it sent one (18456 …), else DB-Library's.
    private static func loginError(_ errors: [DatabaseError], server: String) -> DatabaseError {
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
        return error
    }
}
