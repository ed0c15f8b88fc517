import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (plain POSIX sockets on a thread of its own), standing in for the
/// Entra ID and managed identity endpoints. One request per connection.
final class LoopbackHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: String

        /// The query parameters of the target, percent-decoded.
        var query: [String: String] {
            var result: [String: String] = [:]
            for item in URLComponents(string: target)?.queryItems ?? [] { result[item.name] = item.value ?? "" }
            return result
        }

        /// The form fields of a `application/x-www-form-urlencoded` body.
        var form: [String: String] {
            var result: [String: String] = [:]
            for pair in body.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                let value = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
                result[parts[0]] = value.removingPercentEncoding ?? value
            }
            return result
        }

        var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    }

    typealias Handler = @Sendable (Request) -> (status: Int, body: String)

    let port: Int
    private let socket: Int32
    private let handler: Handler
    private let received = Mutex<[Request]>([])

    /// Every request so far.
    var requests: [Request] { received.withLock { $0 } }

    init(_ handler: @escaping Handler) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.socket = fd
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// `http://127.0.0.1:<port>`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting; later requests are refused. The accept thread closes the socket (closing it here could
    /// let that thread accept on a reused descriptor number belonging to another server).
    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let client = accept(socket, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                close(socket)
                return
            }
            serve(client)
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { break }
            data += buffer[0..<count]
            if headerEnd == nil, let range = findHeaderEnd(data) {
                headerEnd = range
                let head = String(decoding: data[0..<range], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let headerEnd, data.count >= headerEnd + 4 + contentLength { break }
        }
        guard let headerEnd else { return }
        let head = String(decoding: data[0..<headerEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n").map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        var headers: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let body = String(decoding: data[(headerEnd + 4)...], as: UTF8.self)
        let request = Request(method: requestLine[0], target: requestLine[1], headers: headers, body: body)
        received.withLock { $0.append(request) }
        let (status, responseBody) = handler(request)
        let bytes = Array(responseBody.utf8)
        let response =
            "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        let all = Array(response.utf8) + bytes
        var offset = 0
        while offset < all.count {
            let written = all[offset...].withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
    }

    private func findHeaderEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for index in 0...(data.count - 4)
        where data[index] == 13 && data[index + 1] == 10 && data[index + 2] == 13 && data[index + 3] == 10 {
            return index
        }
        return nil
    }
}

/// Tokens that look like JWTs (and work as PostgreSQL passwords), each one different.
enum FakeTokens {
    static func make(_ label: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let tail = String((0..<600).map { _ in alphabet.randomElement()! })
        return "eyJ0eXAiOiJKV1QifQ.\(label).\(tail)"
    }

    /// A token endpoint answer.
    static func response(_ token: String, expiresIn: Int = 3600) -> (status: Int, body: String) {
        (200, #"{"token_type":"Bearer","expires_in":\#(expiresIn),"access_token":"\#(token)"}"#)
    }
}
