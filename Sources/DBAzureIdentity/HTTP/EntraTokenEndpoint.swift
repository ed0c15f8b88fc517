import DBCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The Entra ID OAuth 2.0 token endpoint: `{authority}/{tenant}/oauth2/v2.0/token`.
struct EntraTokenEndpoint: Sendable {
    /// `https://login.microsoftonline.com`, unless `AZURE_AUTHORITY_HOST` says otherwise.
    static let defaultAuthority = URL(string: "https://login.microsoftonline.com")!

    let authority: URL
    let tenantID: String
    let timeout: Double

    /// The authority: `explicit`, else `AZURE_AUTHORITY_HOST` from `environment`, else the public cloud.
    static func authority(_ explicit: URL?, environment: [String: String]) -> URL {
        if let explicit { return explicit }
        if let host = environment["AZURE_AUTHORITY_HOST"], !host.isEmpty {
            return URL(string: host.hasPrefix("http") ? host : "https://" + host) ?? defaultAuthority
        }
        return defaultAuthority
    }

    /// Whether a tenant id is safe in a URL path (a GUID or a domain name).
    static func isValidTenant(_ tenant: String) -> Bool {
        !tenant.isEmpty
            && tenant.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "."
            }
    }

    /// POSTs the form and reads the token. A 4xx answer is ``TokenCredentialError/Reason/authenticationFailed``.
    func requestToken(_ fields: [(String, String)], credential: String, now: Date) async throws -> AccessToken {
        guard EntraTokenEndpoint.isValidTenant(tenantID) else {
            throw TokenCredentialError(
                credential: credential, reason: .unavailable,
                message: "invalid tenant id '\(tenantID)': expected a GUID or a domain name")
        }
        let base =
            authority.absoluteString.hasSuffix("/")
            ? String(authority.absoluteString.dropLast()) : authority.absoluteString
        guard let url = URL(string: "\(base)/\(tenantID)/oauth2/v2.0/token") else {
            throw TokenCredentialError(credential: credential, reason: .unavailable, message: "invalid authority host")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = TokenHTTP.form(fields)
        let (status, body) = try await TokenHTTP.send(request, credential: credential)
        guard (200..<300).contains(status) else {
            throw TokenHTTP.failure(status: status, body: body, credential: credential, reason: .authenticationFailed)
        }
        return try TokenHTTP.parseToken(body, credential: credential, now: now)
    }
}
