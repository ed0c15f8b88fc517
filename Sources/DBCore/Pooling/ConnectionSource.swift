import Dispatch
import Logging
import Synchronization

/// How a pool opens a connection: a driver, a configuration, and optionally a credential whose fresh token
/// becomes the password of each new connection.
struct ConnectionSource: Sendable {
    let driver: any DatabaseDriver
    let configuration: ConnectionConfiguration
    let credential: (any TokenCredential)?
    let scopes: [String]
    /// Where the connects' transient-fault retries are logged when the configuration's policy names no logger:
    /// the pool's logger.
    var retryLogger: Logger?

    /// The configuration as given, its retry policy logging to the pool's logger unless it names its own.
    private var baseConfiguration: ConnectionConfiguration {
        var configuration = self.configuration
        if configuration.connectRetry.logger == nil { configuration.connectRetry.logger = retryLogger }
        return configuration
    }

    /// The configuration for the next connection, with a token from the credential (cached by the credential
    /// until shortly before it expires).
    func resolvedConfiguration() async throws -> ConnectionConfiguration {
        let configuration = baseConfiguration
        guard let credential else { return configuration }
        let token: AccessToken
        do {
            token = try await credential.token(for: scopes)
        } catch {
            throw ConnectionSource.tokenFailure(error)
        }
        return try configuration.signingIn(with: token, driver: driver)  // clears `authentication`
    }

    /// ``resolvedConfiguration()`` for synchronous callers: blocks this thread while a task asks the credential.
    /// Never call it on Swift's cooperative pool (the async pool API does not).
    func resolvedConfigurationBlocking() throws -> ConnectionConfiguration {
        guard credential != nil else { return baseConfiguration }
        let outcome = Mutex<Result<ConnectionConfiguration, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<ConnectionConfiguration, any Error>
            do { result = .success(try await self.resolvedConfiguration()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Opens a connection on the calling thread.
    func connectBlocking() throws -> any DatabaseConnection {
        try driver.connect(try resolvedConfigurationBlocking())
    }

    /// Opens a connection on `thread`.
    func connect(on thread: ConnectionThread) async throws -> any DatabaseConnection {
        let configuration = try await resolvedConfiguration()
        let driver = self.driver
        return try await thread.run { try driver.connect(configuration) }
    }

    /// A credential failure as a database error (the credential's text never holds a token).
    static func tokenFailure(_ error: any Error) -> DatabaseError {
        if let error = error as? DatabaseError { return error }
        return DatabaseError(kind: .authenticationFailed, message: "could not get an access token: \(error)")
    }

    /// `backend://user@host:port/database` (never the password), naming the pool in logs and errors.
    var name: String {
        let c = configuration
        var text = (c.backend ?? driver.backend).rawValue + "://"
        if let user = c.user { text += user + "@" }
        text += c.host
        if let port = c.port { text += ":\(port)" }
        if let instance = c.instanceName { text += "\\" + instance }
        if let database = c.database { text += "/" + database }
        return text
    }
}
