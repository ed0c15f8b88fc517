import DBCore
import Foundation
import Logging
import MSSQLDriver
import Synchronization
import TDSSandbox
import Testing
import ThrowawayServers

/// Transient-fault retry over the real wire: a sandbox that refuses the first logins as Azure SQL does during a
/// failover.
@Suite("connect retry against a sandbox that refuses the first logins")
struct ConnectRetryTests {
    /// A sandbox of its own with the given refusals, and a configuration for it.
    private func sandbox(
        _ refusals: TDSSandboxLoginRefusals, retry: ConnectRetryPolicy
    ) throws
        -> (TDSSandboxServer, ConnectionConfiguration)
    {
        let postgres = try ThrowawayPostgres.shared()
        let server = TDSSandboxServer(configuration: TDSSandboxConfiguration(loginRefusals: refusals))
        let port = try server.start(
            host: "127.0.0.1", port: 0,
            engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres.configuration()))
        var configuration = try RealSandbox.configuration()
        configuration.port = port
        configuration.connectRetry = retry
        return (server, configuration)
    }

    @Test("N transient refusals (40613) then success: the connect succeeds and logs N retries at notice")
    func refusalsThenSuccess() async throws {
        try await offPool {
            let refusals = TDSSandboxLoginRefusals(count: 2, number: 40613)
            let logs = RetryLogLines()
            let (server, configuration) = try sandbox(
                refusals, retry: ConnectRetryPolicy(count: 3, interval: 0.05, logger: logs.logger))
            defer { server.stop() }
            let connection = try MSSQLConnection.connect(configuration)
            defer { connection.close() }
            try connection.ping()
            #expect(refusals.refusedCount == 2)
            let lines = logs.lines
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.hasPrefix("notice transient connect failure; retrying") })
            #expect(lines.first?.contains("40613") == true)
            #expect(lines.first?.contains("1 of 3") == true && lines.last?.contains("2 of 3") == true)
            #expect(lines.allSatisfy { !$0.contains(configuration.password!.revealed) })
        }
    }

    @Test("more transient refusals than the limit: the error lists each attempt")
    func moreThanTheLimit() async throws {
        try await offPool {
            let refusals = TDSSandboxLoginRefusals(count: 5, number: 40613)
            let (server, configuration) = try sandbox(refusals, retry: ConnectRetryPolicy(count: 2, interval: 0.05))
            defer { server.stop() }
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(refusals.refusedCount == 3)
            #expect(error.number == 40613)
            for attempt in 1...3 { #expect(error.message.contains("attempt \(attempt) of 3: ")) }
        }
    }

    @Test("a non-transient refusal (18456) is not retried")
    func notTransient() async throws {
        try await offPool {
            let refusals = TDSSandboxLoginRefusals(count: 1, number: 18456, severity: 14, message: "Login failed.")
            let logs = RetryLogLines()
            let (server, configuration) = try sandbox(
                refusals, retry: ConnectRetryPolicy(count: 3, interval: 0.05, logger: logs.logger))
            defer { server.stop() }
            let error = try #require(databaseError { _ = try MSSQLConnection.connect(configuration) })
            #expect(error.kind == .authenticationFailed)
            #expect(error.number == 18456)
            #expect(refusals.refusedCount == 1)
            #expect(logs.lines.isEmpty)
            #expect(!error.message.contains("attempt"))
            // The refusal is used up: the next login succeeds.
            try MSSQLConnection.connect(configuration).close()
        }
    }

    @Test("a pool's replacement connections are retried too")
    func poolReplacement() async throws {
        try await offPool {
            let refusals = TDSSandboxLoginRefusals(count: 1, number: 40197)
            let (server, configuration) = try sandbox(refusals, retry: ConnectRetryPolicy(count: 1, interval: 0.05))
            defer { server.stop() }
            let pool = ConnectionPool(driver: MSSQLDriver(), configuration: configuration)
            defer { pool.close() }
            let value = try pool.withConnection { try $0.query("SELECT 5")[0][0] }
            #expect(value == .int(5))
            #expect(refusals.refusedCount == 1)
        }
    }
}

/// Log lines captured from the retry loop.
final class RetryLogLines: Sendable {
    private let store = Mutex<[String]>([])

    /// The lines so far: `level message metadata…`.
    var lines: [String] { store.withLock { $0 } }

    /// A logger writing here.
    var logger: Logger {
        Logger(label: "retry-capture", factory: { _ in RetryLogHandler(owner: self) })
    }

    fileprivate func append(_ line: String) { store.withLock { $0.append(line) } }
}

private struct RetryLogHandler: LogHandler {
    let owner: RetryLogLines
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        owner.append(
            "\(event.level) \(event.message) "
                + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: " "))
    }
}
