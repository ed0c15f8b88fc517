import DBCore
import Foundation

/// The account signed in to the Azure CLI (`az login`): runs
/// `az account get-access-token --resource <resource> -o json` and reads `accessToken` with `expires_on`
/// (seconds since 1970, newer CLIs) or `expiresOn` (local time, older ones).
///
/// `az` is looked up on the `PATH` of `environment`, which is also the tool's environment: pass one to run a
/// different `az` (tests put a fake script first on that `PATH`).
public final class AzureCLICredential: TokenCredential {
    private let environment: [String: String]
    private let tenantID: String?
    private let timeout: Double
    private let cache: TokenCache

    /// Creates the credential.
    ///
    /// - Parameters:
    ///   - tenantID: Asks for a token of this tenant (`--tenant`), if given.
    ///   - environment: The environment `az` runs with, and whose `PATH` finds it.
    ///   - timeout: Seconds before `az` is stopped (10).
    ///   - refreshMargin: Seconds before expiry at which a cached token is replaced (300).
    ///   - clock: The current time (for tests).
    public init(
        tenantID: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Double = 10, refreshMargin: Double = 300, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.tenantID = tenantID
        self.timeout = timeout
        self.cache = TokenCache(refreshMargin: refreshMargin, clock: clock)
    }

    /// A token for `scopes` (one scope, sent as its resource), cached until shortly before it expires.
    public func token(for scopes: [String]) async throws -> AccessToken {
        let name = "AzureCLICredential"
        guard let az = AzureCLICredential.find("az", in: environment["PATH"] ?? "") else {
            throw TokenCredentialError(
                credential: name, reason: .unavailable, message: "the Azure CLI ('az') is not on the PATH")
        }
        var arguments = ["account", "get-access-token", "--resource", EntraScope.resource(for: scopes), "-o", "json"]
        if let tenantID { arguments += ["--tenant", tenantID] }
        let (environment, timeout, command) = (self.environment, self.timeout, arguments)
        return try await cache.token(for: scopes) {
            let output = try await ProcessRunner.run(az, command, environment: environment, timeout: timeout)
            guard output.status == 0 else {
                let text = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
                let notLoggedIn = text.contains("az login") || text.contains("not logged in")
                throw TokenCredentialError(
                    credential: name, reason: notLoggedIn ? .unavailable : .authenticationFailed,
                    message: "az exited with status \(output.status): \(String(text.prefix(400)))")
            }
            return try AzureCLICredential.parse(output.standardOutput)
        }
    }

    /// Reads the JSON `az account get-access-token` prints: `accessToken`, and `expires_on` (seconds since 1970)
    /// or else `expiresOn` (local time, `yyyy-MM-dd HH:mm:ss.ffffff`).
    public static func parse(_ output: Data) throws -> AccessToken {
        let name = "AzureCLICredential"
        guard let json = TokenHTTP.object(output), let token = json["accessToken"] as? String, !token.isEmpty else {
            throw TokenCredentialError(credential: name, reason: .invalidResponse, message: "az printed no accessToken")
        }
        if let seconds = TokenHTTP.number(json["expires_on"]) {
            return AccessToken(token: Secret(token), expiresOn: Date(timeIntervalSince1970: seconds))
        }
        if let text = json["expiresOn"] as? String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone.current
            for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: text) { return AccessToken(token: Secret(token), expiresOn: date) }
            }
        }
        throw TokenCredentialError(
            credential: name, reason: .invalidResponse, message: "az printed no expires_on or expiresOn")
    }

    /// The first executable `name` in the directories of `path`.
    static func find(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
