import Foundation

extension ConnectionConfiguration {
    /// Reads the environment variables of the Azure quickstarts:
    ///
    /// | variable | field |
    /// |---|---|
    /// | `DBHOST` | ``host`` (required; without it the result is `nil`) |
    /// | `DBNAME` | ``database`` |
    /// | `DBUSER` | ``user`` |
    /// | `DBPASSWORD` | ``password`` |
    /// | `SSLMODE` | ``tls`` (libpq names: `disable` … `verify-full`) |
    /// | `DBPORT` | ``port`` |
    ///
    /// Empty variables count as unset.
    ///
    /// - Parameters:
    ///   - environment: The variables to read; the process environment by default.
    ///   - backend: The database family to record in the configuration, if the caller knows it.
    /// - Returns: The configuration, or `nil` when `DBHOST` is unset or empty.
    /// - Throws: ``DatabaseError/Kind/invalidConfiguration`` naming `DBPORT` or `SSLMODE` when either is malformed.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, backend: DatabaseBackend? = nil
    ) throws -> ConnectionConfiguration? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingASCIIWhitespace(), !text.isEmpty else { return nil }
            return text
        }
        guard let host = value("DBHOST") else { return nil }
        var configuration = ConnectionConfiguration(backend: backend, host: host)
        configuration.database = value("DBNAME")
        configuration.user = value("DBUSER")
        // The password is taken as is: surrounding spaces may be part of it.
        if let password = environment["DBPASSWORD"], !password.isEmpty {
            configuration.password = Secret(password)
        }
        if let port = value("DBPORT") {
            do {
                configuration.port = try ConfigurationText.port(port, in: "the environment")
            } catch {
                throw DatabaseError.invalidConfiguration(
                    "invalid DBPORT '\(port)': expected a port number from 1 to 65535")
            }
        }
        if let mode = value("SSLMODE") {
            do {
                configuration.tls = try ConfigurationText.tlsMode(mode)
            } catch {
                throw DatabaseError.invalidConfiguration(
                    "invalid SSLMODE '\(mode)': expected disable, allow, prefer, require, verify-ca or verify-full")
            }
        }
        return configuration
    }
}
