import DBCore
import Dispatch
import Foundation
import Synchronization

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

/// Runs a program to its end on a thread of its own (never the cooperative pool), with a timeout.
enum ProcessRunner {
    struct Output: Sendable {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String], timeout: Double)
        async throws -> Output
    {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment, timeout) })
            }
            thread.start()
        }
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], _ environment: [String: String], _ timeout: Double
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TokenCredentialError(
                credential: "AzureCLICredential", reason: .unavailable, message: "cannot run \(executable)")
        }
        let errorText = Mutex<Data>(Data())
        let errorRead = DispatchGroup()
        errorRead.enter()
        DispatchQueue.global().async {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errorText.withLock { $0 = data }
            errorRead.leave()
        }
        let timedOut = Atomic<Bool>(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if process.isRunning {
                timedOut.store(true, ordering: .relaxed)
                process.terminate()
            }
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorRead.wait()
        if timedOut.load(ordering: .relaxed) {
            throw TokenCredentialError(
                credential: "AzureCLICredential", reason: .unavailable, message: "az did not finish within \(timeout) s")
        }
        let text = String(decoding: errorText.withLock { $0 }, as: UTF8.self)
        return Output(status: process.terminationStatus, standardOutput: output, standardError: text)
    }
}
