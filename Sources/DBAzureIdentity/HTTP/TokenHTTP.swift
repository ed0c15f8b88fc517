import DBCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// HTTP for the token endpoints (Entra ID, managed identity), over Foundation's URLSession.
enum TokenHTTP {
    /// Sends `request`; returns the status and body. Transport failures (refused, timeout, unreachable) throw
    /// ``TokenCredentialError/Reason/unavailable``.
    static func send(_ request: URLRequest, credential: String) async throws -> (status: Int, body: Data) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = request.timeoutInterval
        configuration.timeoutIntervalForResource = request.timeoutInterval
        configuration.connectionProxyDictionary = [:]
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        do {
            let (data, response) = try await session.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            let host = request.url?.host ?? "?"
            throw TokenCredentialError(
                credential: credential, reason: .unavailable,
                message: "no answer from \(host): \((error as NSError).localizedDescription)")
        }
    }

    /// The JSON object of a body, or `nil`.
    static func object(_ body: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    /// An error for a non-2xx answer: the status and the service's `error` / `error_description` (never the
    /// body as a whole).
    static func failure(
        status: Int, body: Data, credential: String, reason: TokenCredentialError.Reason
    )
        -> TokenCredentialError
    {
        var message = "HTTP \(status)"
        if let json = object(body) {
            if let code = json["error"] as? String { message += " \(code)" }
            if let code = (json["error"] as? [String: Any])?["code"] as? String { message += " \(code)" }
            if let text = json["error_description"] as? String ?? (json["error"] as? [String: Any])?["message"]
                as? String
                ?? json["message"] as? String
            {
                message += ": " + String(text.prefix(400))
            }
        }
        return TokenCredentialError(credential: credential, reason: reason, message: message)
    }

    /// Reads `access_token` with `expires_on` (seconds since 1970, as number or text) or `expires_in` (seconds
    /// from now).
    static func parseToken(_ body: Data, credential: String, now: Date) throws -> AccessToken {
        guard let json = object(body), let token = json["access_token"] as? String, !token.isEmpty else {
            throw TokenCredentialError(
                credential: credential, reason: .invalidResponse, message: "the answer has no access_token")
        }
        if let expiresOn = number(json["expires_on"]) {
            return AccessToken(token: Secret(token), expiresOn: Date(timeIntervalSince1970: expiresOn))
        }
        if let expiresIn = number(json["expires_in"]) {
            return AccessToken(token: Secret(token), expiresOn: now.addingTimeInterval(expiresIn))
        }
        throw TokenCredentialError(
            credential: credential, reason: .invalidResponse, message: "the answer has no expires_on or expires_in")
    }

    /// A number given as a JSON number or as text.
    static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// `application/x-www-form-urlencoded` text of `fields`.
    static func form(_ fields: [(String, String)]) -> Data {
        let allowed = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let text = fields.map { name, value in
            let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            return "\(name)=\(encoded)"
        }.joined(separator: "&")
        return Data(text.utf8)
    }
}
