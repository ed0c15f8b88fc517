import Foundation

/// What a client needs to log in to the sandbox over the embedded PostgreSQL, as lines to paste: a `sqlserver://`
/// URL (DBCore's `ConnectionConfiguration(parsing:)`), an ADO.NET connection string (SqlClient, and DBCore too)
/// and a `tsql` command.
///
/// They carry the login's password on purpose: it belongs to a throwaway cluster on this machine, and a client
/// cannot log in without it.
struct ClientConnectionStrings {
    /// The host clients connect to (127.0.0.1 when the sandbox listens on every address).
    var host: String
    var port: Int
    var user: String
    var password: String
    var database: String
    /// Whether the sandbox offers TLS (then the strings ask for it, trusting the certificate).
    var tls: Bool

    init(listenHost: String, port: Int, user: String, password: String, database: String, tls: Bool) {
        self.host = ["0.0.0.0", "::", ""].contains(listenHost) ? "127.0.0.1" : listenHost
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// `sqlserver://user:password@host:port/database?encrypt=…`.
    var url: String {
        let userInfo = Self.percentEncoded(user) + ":" + Self.percentEncoded(password)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let encrypt = tls ? "?encrypt=true&trustServerCertificate=true" : ""
        return "sqlserver://\(userInfo)@\(hostPart):\(port)/\(Self.percentEncoded(database))\(encrypt)"
    }

    /// `Server=tcp:host,port;Initial Catalog=…;User ID=…;Password=…;Encrypt=…;`.
    var adoNet: String {
        let encrypt = tls ? "Encrypt=True;TrustServerCertificate=True;" : "Encrypt=False;"
        return "Server=tcp:\(host),\(port);Initial Catalog=\(Self.adoValue(database));User ID=\(Self.adoValue(user));"
            + "Password=\(Self.adoValue(password));\(encrypt)"
    }

    /// `TDSVER=7.4 tsql -H host -p port -U user -P password -D database`.
    var tsql: String {
        "TDSVER=7.4 tsql -H \(host) -p \(port) -U \(Self.shellQuoted(user)) -P \(Self.shellQuoted(password))"
            + " -D \(Self.shellQuoted(database))"
    }

    /// The lines the executable prints.
    var lines: [String] {
        ["URL:     \(url)", "ADO.NET: \(adoNet)", "tsql:    \(tsql)"]
    }

    private static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// An ADO.NET value, in double quotes when it holds `;`, quotes or spaces at its ends.
    private static func adoValue(_ text: String) -> String {
        let needsQuotes = text.contains(where: { ";'\"".contains($0) }) || text.first == " " || text.last == " "
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    private static func shellQuoted(_ text: String) -> String {
        text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
            ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
