import DBCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The private freetds.conf section one login reads: where the server is and how to use TLS, made from a
/// ``ConnectionConfiguration`` alone. It never holds a secret: user, password, database, application name and
/// charset stay on DB-Library's LOGINREC.
///
/// FreeTDS 1.3's DB-Library cannot set the encryption level on a LOGINREC (`dbsetlbool(…, DBSETENCRYPT)` is not
/// implemented), but `dbsetifile(path)` makes `dbopen` read `path` as a freetds.conf before any other, so the
/// driver writes this section to a private file for each login (see ``FreeTDSLoginFiles``).
///
/// The TLS modes, as FreeTDS 1.3.17 (src/tds/login.c, tls.c) applies them. The server's PRELOGIN answer decides
/// ([MS-TDS] 2.2.6.5); FreeTDS only fails when it asked for encryption and the server answered ENCRYPT_NOT_SUP:
/// - ``TLSMode/disable``: `encryption = off`; the PRELOGIN says the client does not support encryption
///   (ENCRYPT_NOT_SUP). A server that requires encryption ends the connection after its PRELOGIN answer
///   (as SQL Server and the TDS sandbox do), so the login fails. (FreeTDS itself would start TLS on any answer
///   but ENCRYPT_NOT_SUP if such a server kept the connection open.)
/// - ``TLSMode/allow``, ``TLSMode/prefer``: `encryption = request` (ENCRYPT_OFF); the login packet is encrypted
///   when the server has a certificate, the whole session when the server requires TLS, nothing when it has
///   none. The certificate is not verified.
/// - ``TLSMode/require``: `encryption = require` (ENCRYPT_ON); the login fails when the server answers
///   ENCRYPT_NOT_SUP. A conforming server answers ENCRYPT_ON and the whole session is encrypted. But FreeTDS also
///   accepts ENCRYPT_OFF (which [MS-TDS] does not allow in answer to ENCRYPT_ON): it then encrypts only the
///   LOGIN7 packet and goes on in plaintext, and DB-Library tells the driver nothing of it, so the driver can
///   neither see nor refuse it. The certificate is not verified (no `ca file`).
/// - ``TLSMode/verifyCA``: `require`, plus `ca file` (``ConnectionConfiguration/tlsRootCertificatePath``, or
///   `system` for the system's trusted CAs) and `check certificate hostname = no`: the chain must verify.
/// - ``TLSMode/verifyFull``: as `verifyCA`, with `check certificate hostname = yes`: the certificate must also
///   name ``ConnectionConfiguration/host`` (FreeTDS compares it with the `host` line).
///
/// So the verified modes always protect the login (the password goes only to the verified server), but the rest
/// of the session only against a server that follows [MS-TDS]: an attacker on the path who rewrites both
/// PRELOGIN messages to ENCRYPT_OFF gets the session after the login in plaintext, and FreeTDS 1.3 does not
/// notice.
struct FreeTDSLoginConfig: Equatable {
    /// The section name `dbopen` is given: the host itself, because FreeTDS sends the name `dbopen` was given as
    /// the LOGIN7 ServerName, which SQL Server (and Azure SQL's gateway) may read. Our file is read first, so a
    /// section of the same name in another freetds.conf never applies.
    var sectionName: String { host }
    /// The `host` line: the name or address FreeTDS resolves, and the name a verified certificate must carry.
    var host: String
    /// The TCP port; `nil` for a named ``instance`` until ``SQLBrowserLookup`` found its port (FreeTDS would
    /// otherwise ask the Browser itself).
    var port: Int?
    /// The named instance, when the configuration gives no port. Written with the port the Browser gave, FreeTDS
    /// sends it in the PRELOGIN as it does when it looks the port up itself.
    var instance: String?
    /// The `tds version` line (`7.4` …).
    var tdsVersion: String
    /// The `encryption` line: `off`, `request` or `require`.
    var encryption: String
    /// The `ca file` line (a PEM file, or `system` for the system's trusted CAs: a file of that name is written as
    /// `./system`); `nil` for no certificate verification.
    var caFile: String?
    /// The `check certificate hostname` line, written only with ``caFile``.
    var checkHostname: Bool
    /// The SQL Server Browser's UDP port for a named ``instance``: `options["browser_port"]`, 1434 by default.
    /// Not written to the file (the driver asks the Browser itself, ``SQLBrowserLookup``).
    var browserPort: Int
    /// The `read-only intent` line: `yes` for ``DBCore/ApplicationIntent/readOnly`` (SQL Server then routes the
    /// login to a readable secondary of an availability group, as ADO.NET's `ApplicationIntent=ReadOnly` does).
    var readOnlyIntent = false

    /// The section for `configuration`. Throws ``DatabaseError/Kind/invalidConfiguration``
    /// for a value freetds.conf cannot carry (`;` and `#` start comments there, lines end at a line break, runs
    /// of spaces shrink to one) or an unknown `tds_version`.
    init(_ configuration: ConnectionConfiguration) throws {
        host = try Self.checked(configuration.host, field: "host")
        // The host also names the section: `[host]` ends at `]` and an option's name at `=`.
        if let bad = host.first(where: { $0 == "[" || $0 == "]" || $0 == "=" }) {
            throw DatabaseError.invalidConfiguration(
                "the host '\(host)' contains '\(bad)', which FreeTDS's configuration cannot carry")
        }
        if let port = configuration.port {
            guard (1...65535).contains(port) else {
                throw DatabaseError.invalidConfiguration("port \(port) is not between 1 and 65535")
            }
            self.port = port
        } else if let name = configuration.instanceName, !name.isEmpty {
            instance = try Self.checked(name, field: "instance name")
        } else {
            port = 1433
        }
        tdsVersion = try Self.tdsVersion(configuration)
        browserPort = try Self.browserPort(configuration)
        readOnlyIntent = configuration.applicationIntent == .readOnly
        checkHostname = false
        switch configuration.tls {
        case .disable:
            encryption = "off"
        case .allow, .prefer:
            encryption = "request"
        case .require:
            encryption = "require"
        case .verifyCA, .verifyFull:
            encryption = "require"
            let path = configuration.tlsRootCertificatePath.flatMap { $0.isEmpty ? nil : $0 }
            caFile = try path.map { try Self.caFileLine($0) } ?? "system"
            checkHostname = configuration.tls == .verifyFull
        }
    }

    /// The `tds version` value: `options["tds_version"]` (or `tdsVersion`) when it is 7.0–7.4, else 7.4.
    static func tdsVersion(_ configuration: ConnectionConfiguration) throws -> String {
        let version = configuration.options["tds_version"] ?? configuration.options["tdsVersion"] ?? "7.4"
        guard ["7.0", "7.1", "7.2", "7.3", "7.4"].contains(version) else {
            throw DatabaseError.invalidConfiguration("tds_version \(version) is not one of 7.0–7.4")
        }
        return version
    }

    /// The TDS packet size `options["packet_size"]` asks for (ADO.NET's `Packet Size`, 512–32767), or `nil`.
    static func packetSize(_ configuration: ConnectionConfiguration) throws -> Int? {
        guard let text = configuration.options["packet_size"] else { return nil }
        guard let size = Int(text), (512...32_767).contains(size) else {
            throw DatabaseError.invalidConfiguration("packet size \(text) is not between 512 and 32767")
        }
        return size
    }

    /// The Browser's UDP port: `options["browser_port"]` when it is 1–65535, else 1434.
    static func browserPort(_ configuration: ConnectionConfiguration) throws -> Int {
        guard let text = configuration.options["browser_port"] else { return 1434 }
        guard let port = Int(text), (1...65535).contains(port) else {
            throw DatabaseError.invalidConfiguration("browser_port \(text) is not a port between 1 and 65535")
        }
        return port
    }

    /// The `ca file` value for a certificate file `path`. FreeTDS takes `system` in any case (`strcasecmp`) to mean
    /// the system's trusted CAs, so a relative file of that name is written as `./system`.
    private static func caFileLine(_ path: String) throws -> String {
        let checked = try Self.checked(path, field: "TLS root certificate path")
        return checked.lowercased() == "system" ? "./" + checked : checked
    }

    /// Throws ``DatabaseError/Kind/invalidConfiguration`` when ``caFile`` names something this process cannot read
    /// as a file (FreeTDS would only say that the connection failed): missing, unreadable, or not a regular file.
    func checkCAFileReadable() throws {
        guard let caFile, caFile != "system" else { return }
        var info = stat()
        guard stat(caFile, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
            FileManager.default.isReadableFile(atPath: caFile)
        else {
            throw DatabaseError.invalidConfiguration(
                "the TLS root certificate file \(caFile) cannot be read (or is not a regular file)")
        }
    }

    /// The freetds.conf text: one section, one option a line.
    var text: String {
        var lines = ["[\(sectionName)]", "\thost = \(host)"]
        if let port { lines.append("\tport = \(port)") }
        if let instance { lines.append("\tinstance = \(instance)") }
        lines.append("\ttds version = \(tdsVersion)")
        lines.append("\tencryption = \(encryption)")
        if readOnlyIntent { lines.append("\tread-only intent = yes") }
        if let caFile {
            lines.append("\tca file = \(caFile)")
            lines.append("\tcheck certificate hostname = \(checkHostname ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `value` when freetds.conf can hold it unchanged: FreeTDS reads lines of at most 255 bytes, ends a value
    /// at `;` or `#`, and folds whitespace.
    private static func checked(_ value: String, field: String) throws -> String {
        let forbidden = value.unicodeScalars.first { scalar in
            if scalar == ";" || scalar == "#" { return true }
            return scalar != " " && (scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F)
        }
        if let forbidden {
            let shown =
                forbidden == ";" || forbidden == "#"
                ? "'\(forbidden)'" : "U+" + String(forbidden.value, radix: 16, uppercase: true)
            throw DatabaseError.invalidConfiguration(
                "the \(field) '\(value)' contains \(shown), which FreeTDS's configuration cannot carry")
        }
        guard !value.isEmpty, value.first != " ", value.last != " ", !value.contains("  ") else {
            throw DatabaseError.invalidConfiguration(
                "the \(field) '\(value)' is empty, or has leading, trailing or repeated spaces, which FreeTDS's "
                    + "configuration cannot carry")
        }
        guard value.utf8.count <= 200 else {
            throw DatabaseError.invalidConfiguration(
                "the \(field) is \(value.utf8.count) bytes long; FreeTDS's configuration lines hold at most 200")
        }
        return value
    }
}
