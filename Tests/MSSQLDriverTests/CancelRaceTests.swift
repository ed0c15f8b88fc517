import DBCore
import Foundation
import Testing

@testable import MSSQLDriver

/// `cancel()` racing the statement it targets: whatever moment it lands at, a statement in flight ends
/// `.cancelled` (or completes, if it finished first) and the connection stays usable; a cancel with no statement
/// in flight does nothing, now or later.
@Suite("MSSQLDriver cancel races")
struct CancelRaceTests {
    /// Cancel delays from "before the statement starts" to "while it waits on the server".
    static let delays: [Duration] = [0, 1, 2, 5, 10, 20, 50, 100, 150, 200, 300, 400].map { .milliseconds($0) }

    @Test(
        "a cancel at any delay ends the statement cancelled or completed; SELECT 1 works after (scripted)",
        arguments: ["WAITFOR DELAY '00:00:01.500'", "ROWS THEN WAITFOR DELAY '00:00:01.500'"])
    func scriptedDelays(sql: String) async throws {
        let sandbox = try ScriptedSandbox()
        let configuration = sandbox.configuration()
        try await Self.eachDelay { delay in
            let connection = try MSSQLConnection.connect(configuration)
            defer { connection.close() }
            for round in 0..<2 {
                let error = cancelling(connection, after: delay) { try connection.run(sql) }
                #expect(
                    error == nil || error?.kind == .cancelled,
                    "delay \(delay), round \(round): \(String(describing: error))")
                #expect(try connection.query("SELECT 1").map { $0[0] } == [.int(1)], "delay \(delay)")
            }
        }
    }

    @Test("a cancel at any delay ends the statement cancelled or completed; SELECT 1 works after (real sandbox)")
    func realDelays() async throws {
        try await Self.eachDelay { delay in
            let connection = try RealSandbox.connect()
            defer { connection.close() }
            let error = cancelling(connection, after: delay) { try connection.run("WAITFOR DELAY '00:00:01.500'") }
            #expect(error == nil || error?.kind == .cancelled, "delay \(delay): \(String(describing: error))")
            #expect(try connection.scalar("SELECT 1") == .int(1), "delay \(delay)")
        }
    }

    @Test("a cancel between two calls of one statement stops its next call")
    func cancelBetweenCalls() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            defer { connection.close() }
            let cursor = try connection.makeCursor()
            // execute returns at the first result set; the batch then waits 60 s on the server.
            try cursor.execute("ROWS THEN WAITFOR DELAY '00:01:00'")
            #expect(cursor.columns?.map(\.name) == ["filler"])
            connection.cancel()  // no DB-Library call runs now, but the statement is in flight
            let error = databaseError { _ = try cursor.fetchAll() }
            #expect(error?.kind == .cancelled, "\(String(describing: error))")
            cursor.close()
            #expect(try connection.query("SELECT 1").count == 1)
        }
    }

    @Test("a cancel while no statement is in flight does nothing, then or to the next statement")
    func idleCancel() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            defer { connection.close() }
            connection.cancel()
            #expect(try connection.query("SELECT 1").count == 1)
            connection.cancel()
            try connection.commit()
            connection.cancel()
            let cursor = try connection.makeCursor()
            try cursor.execute("MULTI")
            #expect(try cursor.fetchAll().count == 2)
            while try cursor.nextResultSet() {}  // reads to the end: the statement is over
            connection.cancel()
            #expect(try connection.query("WAITFOR DELAY '00:00:00.100'").isEmpty)
        }
    }

    @Test("a server slow to acknowledge the attention still gives .cancelled and a usable connection")
    func slowAcknowledgement() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            defer { connection.close() }
            // Twice: FreeTDS (Microsoft semantics) turns every second INT_CONTINUE of a connection into INT_CANCEL.
            for round in 0..<2 {
                let error = cancellingRepeatedly(connection) {
                    _ = try connection.query("SLOW CANCEL WAITFOR DELAY '00:01:00'")
                }
                #expect(error?.kind == .cancelled, "round \(round): \(String(describing: error))")
                #expect(connection.isAlive)
                #expect(try connection.query("SELECT 1").count == 1)
            }
        }
    }

    @Test("a statement is in flight from its send to the end of its results, for the handle")
    func statementWindow() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let handle = try DBLibHandle.open(sandbox.configuration())
            defer { handle.close() }
            // Results pending: a cancel stops the statement's next call at once.
            try handle.sendBatch("MULTI")
            handle.requestCancel()
            let error = databaseError { _ = try handle.nextResult(statement: "MULTI") }
            #expect(error?.kind == .cancelled, "\(String(describing: error))")
            // Read to the end: the statement is over and a cancel has nothing to stop.
            try handle.runToEnd("MULTI")
            handle.requestCancel()
            #expect(try handle.waiting(statement: nil) { _ in 42 } == 42)
            // Nothing sent yet: no statement is in flight, and the next one is not affected.
            handle.requestCancel()
            try handle.runToEnd("SELECT 1")
        }
    }

    /// Runs `body` for every delay of ``delays``, each on its own thread (off the cooperative pool), at once.
    private static func eachDelay(_ body: @escaping @Sendable (Duration) throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for delay in delays {
                group.addTask { try await offPool { try body(delay) } }
            }
            try await group.waitForAll()
        }
    }
}
