import DBCore
import Foundation
import Logging
import PGDriver
import Synchronization
import TestSupport
import Testing
import ThrowawayServers

/// A PostgreSQL that restarts under a pool and under a connect: the pool finds the closed connections before it
/// lends them (no round trip: the socket check), and a connect retries while the server is down.
@Suite("PostgreSQL restarts")
struct ServerRestartTests {
    @Test("after a server restart, 0 borrows fail: the pool finds the closed idle connections by their sockets")
    func noFailedBorrowAfterRestart() async throws {
        let server = try ThrowawayPostgres.start()
        defer { server.stop() }
        // pingAfterIdle of an hour: no borrow below pings, so only the socket check can find a dead connection.
        let pool = ConnectionPool(
            driver: PGDriver(), configuration: server.configuration(),
            settings: PoolConfiguration(maximumSize: 4, acquireTimeout: 30, pingAfterIdle: 3600))
        defer { pool.close() }
        try await offPool {
            let held = try (0..<4).map { _ in try pool.acquire() }
            for connection in held { #expect(try connection.integer("SELECT 1") == 1) }
            held.forEach(pool.release)
        }
        #expect(pool.statistics.idle == 4)

        try await offPool { try server.restart() }

        let failures = Box(0)
        try await offPool {
            for _ in 0..<20 {
                do {
                    _ = try pool.withConnection { try $0.integer("SELECT 1") }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10 {
                        do {
                            _ = try await pool.withConnection { try await $0.query("SELECT 1")[0].get(Int.self, at: 0) }
                        } catch {
                            failures.withLock { $0 += 1 }
                        }
                    }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(pool.statistics.discarded >= 4)
    }

    @Test("a connect while the server is down retries (08001 / 57P03) until it is back, each retry logged")
    func connectRetriesAcrossARestart() async throws {
        let server = try ThrowawayPostgres.start()
        defer { server.stop() }
        try await offPool {
            try server.stopKeepingData()
            let restarted = Thread {
                Thread.sleep(forTimeInterval: 1)
                try? server.startAgain()
            }
            restarted.start()
            let (logger, logs) = CapturingLogHandler.logger()
            var configuration = server.configuration()
            configuration.connectRetry = ConnectRetryPolicy(count: 30, interval: 0.25, logger: logger)
            let connection = try PGDriver.connect(configuration)
            defer { connection.close() }
            #expect(try connection.integer("SELECT 1") == 1)
            let retries = logs.all.filter { $0.contains("transient connect failure; retrying") }
            #expect(!retries.isEmpty)
            #expect(retries.allSatisfy { $0.hasPrefix("notice") })
            #expect(retries.allSatisfy { $0.contains("08001") || $0.contains("57P03") || $0.contains("08006") })
            #expect(retries.allSatisfy { !$0.contains(server.superuserPassword.revealed) })
        }
    }

    @Test("a wrong password (28P01) is not retried")
    func wrongPasswordNotRetried() async throws {
        try await offPool {
            let (logger, logs) = CapturingLogHandler.logger()
            var configuration = try poolingDatabase.configuration()
            configuration.password = "Not-The-Password"
            configuration.connectRetry = ConnectRetryPolicy(count: 3, interval: 0.05, logger: logger)
            let error = try #require(databaseError { _ = try PGDriver.connect(configuration) })
            #expect(error.kind == .authenticationFailed)
            #expect(error.code == .sqlState("28P01"))
            #expect(logs.all.isEmpty)
        }
    }
}
