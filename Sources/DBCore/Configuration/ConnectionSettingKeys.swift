import Foundation

/// The connection-string keys that have no field of their own in ``ConnectionConfiguration``: each is honoured
/// (mapped to the setting that makes it take effect) or refused with the reason. Shared by the ADO.NET parser
/// (keys folded: lowercased, spaces removed) and the URL and keyword-string parsers.
enum ConnectionSettingKeys {
    /// Applies ADO.NET key `folded` (written `key`) with `value`, or throws naming the key and why it cannot
    /// take effect.
    static func applyADONet(
        _ folded: String, key: String, value: String, to configuration: inout ConnectionConfiguration
    ) throws {
        let source = "connection string"
        func refuse(_ why: String) -> DatabaseError {
            DatabaseError.invalidConfiguration("the key '\(key)' is not supported: \(why)")
        }
        func onlyFalse(_ why: String) throws {
            if try ConfigurationText.bool(value, key: key, in: source) { throw refuse(why) }
        }
        switch folded {
        case "persistsecurityinfo":
            try onlyFalse("this driver never gives the password back from a connection (use False, or leave it out)")
        case "pooling", "maxpoolsize", "minpoolsize", "maximumpoolsize", "minimumpoolsize", "connectionlifetime",
            "loadbalancetimeout",
            "connectionidlelifetime", "connectretrycount", "connectretryinterval", "applicationintent",
            "authentication":
            try applyCommon(folded, key: key, value: value, source: source, to: &configuration)
        case "multipleactiveresultsets":
            try onlyFalse("FreeTDS DB-Library has no MARS; one statement runs at a time on a connection")
        case "integratedsecurity", "trustedconnection", "trusted_connection":
            if value.lowercased() == "sspi" { throw refuse("no Windows integrated (SSPI/Kerberos) sign-in here") }
            try onlyFalse("no Windows integrated (SSPI/Kerberos) sign-in here; use a user and password or Entra ID")
        case "enlist":
            try onlyFalse("there are no ambient System.Transactions to enlist in")
        case "multisubnetfailover":
            try onlyFalse(
                "FreeTDS tries a listener's addresses one after another, not in parallel; leave it out (the "
                    + "transient-fault retry, ConnectRetryCount, covers failovers)")
        case "packetsize":
            guard let size = Int(value), (512...32_767).contains(size) else {
                throw DatabaseError.invalidConfiguration(
                    "invalid value '\(value)' for key '\(key)' in \(source): expected 512 to 32767 bytes")
            }
            configuration.options["packet_size"] = String(size)
        case "workstationid", "wsid": configuration.options["workstation_id"] = value
        case "currentlanguage", "language": configuration.options["language"] = value
        case "failoverpartner":
            throw refuse("FreeTDS has no database-mirroring failover partner; connect to the listener or primary")
        case "columnencryptionsetting":
            guard value.lowercased() == "disabled" else {
                throw refuse("Always Encrypted is not available over FreeTDS DB-Library (use Disabled)")
            }
        case "searchpath": appendServerOption("search_path", value, to: &configuration)
        case "options": configuration.options["options"] = joined(configuration.options["options"], value)
        case "keepalive":
            let seconds = try ConfigurationText.seconds(value, key: key, in: source)
            configuration.options["keepalives_idle"] = String(Int(seconds))
        case "tcpkeepalive":
            configuration.options["keepalives"] = try ConfigurationText.bool(value, key: key, in: source) ? "1" : "0"
        case "sslcertificate": configuration.options["sslcert"] = value
        case "sslkey": configuration.options["sslkey"] = value
        case "sslpassword": configuration.options["sslpassword"] = value
        case "passfile": configuration.options["passfile"] = value
        case "kerberosservicename": configuration.options["krbsrvname"] = value
        case "gssencryptionmode": configuration.options["gssencmode"] = value.lowercased()
        case "channelbinding": configuration.options["channel_binding"] = value.lowercased()
        case "targetsessionattributes":
            let attributes = [
                "any": "any", "readwrite": "read-write", "readonly": "read-only", "primary": "primary",
                "standby": "standby", "preferstandby": "prefer-standby",
            ]
            guard let libpq = attributes[value.lowercased().filter { $0 != "-" }] else {
                throw refuse("libpq knows Any, ReadWrite, ReadOnly, Primary, Standby and PreferStandby")
            }
            configuration.options["target_session_attrs"] = libpq
        case "encoding", "clientencoding":
            guard ["utf8", "utf-8", "unicode"].contains(value.lowercased()) else {
                throw refuse("the driver always talks UTF-8 with the server")
            }
        case "maxautoprepare":
            // Npgsql: at most this many automatically prepared statements; 0 turns automatic preparing off.
            let count = try autoPrepareCount(value, key: key)
            if count == 0 {
                configuration.options[StatementCacheSettings.thresholdOption] = "none"
            } else {
                configuration.options[StatementCacheSettings.capacityOption] = String(count)
            }
        case "autoprepareminusages":
            // Npgsql: how many runs before a statement is prepared (PGDriver's prepare_threshold).
            let count = try autoPrepareCount(value, key: key)
            if configuration.options[StatementCacheSettings.thresholdOption] != "none" {
                configuration.options[StatementCacheSettings.thresholdOption] = String(count)
            }
        case "timezone":
            throw refuse("the driver keeps every session in UTC so timestamps come back unambiguous")
        case "loadbalancehosts":
            throw refuse("only one host is supported")
        default:
            throw refuse("it has no effect with this driver (no equivalent in libpq or FreeTDS DB-Library)")
        }
    }

    /// Keys every format spells alike once folded (ADO.NET and `sqlserver://` query keys).
    static func applyCommon(
        _ folded: String, key: String, value: String, source: String, to configuration: inout ConnectionConfiguration
    ) throws {
        func integer(_ range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw DatabaseError.invalidConfiguration(
                    "invalid value '\(value)' for key '\(key)' in \(source): expected \(range.lowerBound) to "
                        + "\(range.upperBound)")
            }
            return number
        }
        switch folded {
        case "pooling": configuration.pooling.enabled = try ConfigurationText.bool(value, key: key, in: source)
        case "maxpoolsize", "maximumpoolsize": configuration.pooling.maximumSize = try integer(1...100_000)
        case "minpoolsize", "minimumpoolsize": configuration.pooling.minimumSize = try integer(0...100_000)
        case "connectionlifetime", "loadbalancetimeout":
            configuration.pooling.maximumLifetime = try ConfigurationText.seconds(value, key: key, in: source)
        case "connectionidlelifetime":
            configuration.pooling.idleTimeout = try ConfigurationText.seconds(value, key: key, in: source)
        case "connectretrycount", "connect_retry_count": configuration.connectRetry.count = try integer(0...255)
        case "connectretryinterval", "connect_retry_interval":
            configuration.connectRetry.interval = Double(try integer(1...60))
        case "applicationintent":
            switch value.lowercased() {
            case "readonly": configuration.applicationIntent = .readOnly
            case "readwrite": configuration.applicationIntent = .readWrite
            default:
                throw DatabaseError.invalidConfiguration(
                    "invalid value '\(value)' for key '\(key)' in \(source): expected ReadOnly or ReadWrite")
            }
        case "authentication": configuration.authentication = try authentication(value, key: key)
        default:
            throw DatabaseError.invalidConfiguration("unknown key '\(key)' in \(source)")
        }
    }

    /// ADO.NET's `Authentication` values; the ones with no equivalent here are refused with the reason.
    static func authentication(_ value: String, key: String) throws -> AuthenticationMethod {
        switch value.lowercased().filter({ $0 != " " && $0 != "-" }) {
        case "sqlpassword", "password", "": return .password
        case "activedirectorydefault": return .entraDefault
        case "activedirectorymanagedidentity", "activedirectorymsi": return .entraManagedIdentity
        case "activedirectoryserviceprincipal": return .entraServicePrincipal
        case "activedirectoryworkloadidentity": return .entraWorkloadIdentity
        case "activedirectorypassword":
            throw DatabaseError.invalidConfiguration(
                "\(key)=\(value) is not supported: Microsoft Entra ID no longer recommends signing in with a user's "
                    + "password (ROPC); use Active Directory Default, Managed Identity, Service Principal or "
                    + "Workload Identity")
        case "activedirectoryinteractive", "activedirectorydevicecodeflow", "activedirectoryintegrated":
            throw DatabaseError.invalidConfiguration(
                "\(key)=\(value) is not supported: there is no interactive or Windows-integrated sign-in here; use "
                    + "Active Directory Default (it includes the Azure CLI's sign-in)")
        default:
            throw DatabaseError.invalidConfiguration(
                "invalid value '\(value)' for key '\(key)': expected SqlPassword, Active Directory Default, Active "
                    + "Directory Managed Identity, Active Directory Service Principal or Active Directory Workload "
                    + "Identity")
        }
    }

    /// Adds `-c name=value` to the libpq `options` (spaces and backslashes in the value escaped, as libpq wants).
    /// A count for Npgsql's auto-prepare keys (0 to 100,000).
    private static func autoPrepareCount(_ value: String, key: String) throws -> Int {
        guard let count = Int(value.trimmingCharacters(in: .whitespaces)), (0...100_000).contains(count) else {
            throw DatabaseError.invalidConfiguration(
                "key '\(key)' of the connection string must be a whole number from 0 to 100000")
        }
        return count
    }

    static func appendServerOption(_ name: String, _ value: String, to configuration: inout ConnectionConfiguration) {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: " ", with: "\\ ")
        configuration.options["options"] = joined(configuration.options["options"], "-c \(name)=\(escaped)")
    }

    private static func joined(_ first: String?, _ second: String) -> String {
        guard let first, !first.isEmpty else { return second }
        return first + " " + second
    }
}
