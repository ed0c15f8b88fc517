import DBCore
import Foundation

/// The libpq connection keywords for a configuration, as keyword/value pairs for `PQconnectdbParams` (never a
/// concatenated conninfo string, so no value needs quoting).
enum PQConnectParameters {
    /// Server settings every session gets through the `options` keyword: UTC (timestamptz values come back at
    /// offset 0), ISO dates, and the statement timeout when the configuration has one.
    static func sessionOptions(_ configuration: ConnectionConfiguration) -> String {
        var settings = ["-c TimeZone=UTC", "-c DateStyle=ISO,YMD", "-c IntervalStyle=postgres"]
        if let timeout = configuration.queryTimeout, timeout > 0 {
            settings.append("-c statement_timeout=\(max(1, Int((timeout * 1000).rounded())))")
        }
        return settings.joined(separator: " ")
    }

    /// The keyword/value pairs, in order; later pairs override earlier ones in libpq.
    static func pairs(_ configuration: ConnectionConfiguration) -> [(String, String)] {
        var pairs: [(String, String)] = [("host", configuration.host)]
        if let port = configuration.port { pairs.append(("port", String(port))) }
        if let database = configuration.database { pairs.append(("dbname", database)) }
        if let user = configuration.user { pairs.append(("user", user)) }
        if let password = configuration.password { pairs.append(("password", password.revealed)) }
        pairs.append(("sslmode", configuration.tls.rawValue))
        if let root = configuration.tlsRootCertificatePath { pairs.append(("sslrootcert", root)) }
        if let timeout = configuration.connectTimeout {
            pairs.append(("connect_timeout", String(max(1, Int(timeout.rounded(.up))))))
        }
        pairs.append(("application_name", configuration.applicationName ?? "swift-pgdriver"))
        pairs.append(("client_encoding", "UTF8"))
        var options = sessionOptions(configuration)
        for (key, value) in configuration.options.sorted(by: { $0.key < $1.key })
        where !StatementCacheSettings.isSettingOption(key) {
            if key == "options" {
                // The caller's server options come after ours, so theirs win.
                options += " " + value
            } else {
                pairs.append((key, value))
            }
        }
        pairs.append(("options", options))
        // ApplicationIntent=ReadOnly: prefer a standby unless the caller chose the session attributes.
        if configuration.applicationIntent == .readOnly && configuration.options["target_session_attrs"] == nil {
            pairs.append(("target_session_attrs", "prefer-standby"))
        }
        return pairs
    }

    /// Calls `body` with NULL-terminated C arrays of keywords and values, valid only during the call.
    static func withCArrays<R>(
        _ pairs: [(String, String)],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            for pointer in keywords { free(pointer) }
            // Wipe the password copy before freeing it.
            for pointer in values {
                if let pointer { memset(pointer, 0, strlen(pointer)) }
                free(pointer)
            }
        }
        let keywordArray = keywords.map { UnsafePointer($0) } + [nil]
        let valueArray = values.map { UnsafePointer($0) } + [nil]
        return keywordArray.withUnsafeBufferPointer { k in
            valueArray.withUnsafeBufferPointer { v in body(k.baseAddress!, v.baseAddress!) }
        }
    }
}
