import DBCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The managed identity of the Azure host the process runs on.
///
/// - App Service and Functions (when `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set): `GET
///   {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…` with header `X-IDENTITY-HEADER`.
/// - Virtual machines, scale sets, AKS nodes otherwise: the instance metadata service (IMDS), `GET
///   http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=…` with header
///   `Metadata: true`. Pass `imdsEndpoint` to use another address (tests use a loopback server).
///
/// A user-assigned identity is chosen with `clientID`. Where no endpoint answers (not on Azure), the error's
/// reason is ``TokenCredentialError/Reason/unavailable``.
public final class ManagedIdentityCredential: TokenCredential {
    /// IMDS's token endpoint.
    public static let defaultIMDSEndpoint = URL(string: "http://169.254.169.254/metadata/identity/oauth2/token")!

    private enum Source {
        case appService(endpoint: URL, header: Secret)
        case imds(URL)
    }

    private let source: Source
    private let clientID: String?
    private let timeout: Double
    private let cache: TokenCache

    /// Creates the credential.
    ///
    /// - Parameters:
    ///   - clientID: A user-assigned identity's client id; `nil` for the system-assigned identity.
    ///   - environment: Where `IDENTITY_ENDPOINT` / `IDENTITY_HEADER` are read; the process environment by
    ///     default.
    ///   - imdsEndpoint: The IMDS token URL (only for tests or unusual networks).
    ///   - timeout: Seconds to wait for the endpoint (IMDS answers within a second on Azure).
    ///   - refreshMargin: Seconds before expiry at which a cached token is replaced (300).
    ///   - clock: The current time (for tests).
    public init(
        clientID: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        imdsEndpoint: URL = ManagedIdentityCredential.defaultIMDSEndpoint, timeout: Double = 5,
        refreshMargin: Double = 300, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        if let endpoint = environment["IDENTITY_ENDPOINT"].flatMap(URL.init(string:)),
            let header = environment["IDENTITY_HEADER"], !header.isEmpty
        {
            source = .appService(endpoint: endpoint, header: Secret(header))
        } else {
            source = .imds(imdsEndpoint)
        }
        self.clientID = clientID
        self.timeout = timeout
        self.cache = TokenCache(refreshMargin: refreshMargin, clock: clock)
    }

    /// A token for `scopes` (one scope; sent as its resource), cached until shortly before it expires.
    public func token(for scopes: [String]) async throws -> AccessToken {
        let request = try makeRequest(resource: EntraScope.resource(for: scopes))
        let clock = cache.clock
        return try await cache.token(for: scopes) {
            let name = "ManagedIdentityCredential"
            let (status, body) = try await TokenHTTP.send(request, credential: name)
            guard (200..<300).contains(status) else {
                // IMDS answers 400 when the VM has no (such) identity: the credential does not apply here.
                let reason: TokenCredentialError.Reason =
                    status == 400 || status == 404
                    ? .unavailable
                    : .authenticationFailed
                throw TokenHTTP.failure(status: status, body: body, credential: name, reason: reason)
            }
            return try TokenHTTP.parseToken(body, credential: name, now: clock())
        }
    }

    private func makeRequest(resource: String) throws -> URLRequest {
        let (base, apiVersion): (URL, String)
        switch source {
        case .appService(let endpoint, _): (base, apiVersion) = (endpoint, "2019-08-01")
        case .imds(let endpoint): (base, apiVersion) = (endpoint, "2018-02-01")
        }
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: false) else {
            throw TokenCredentialError(
                credential: "ManagedIdentityCredential", reason: .unavailable, message: "invalid endpoint \(base)")
        }
        var query = components.queryItems ?? []
        query.append(URLQueryItem(name: "api-version", value: apiVersion))
        query.append(URLQueryItem(name: "resource", value: resource))
        if let clientID { query.append(URLQueryItem(name: "client_id", value: clientID)) }
        components.queryItems = query
        var request = URLRequest(url: components.url ?? base, timeoutInterval: timeout)
        request.httpMethod = "GET"
        switch source {
        case .appService(_, let header): request.setValue(header.revealed, forHTTPHeaderField: "X-IDENTITY-HEADER")
        case .imds: request.setValue("true", forHTTPHeaderField: "Metadata")
        }
        return request
    }
}
