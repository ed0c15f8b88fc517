import DBCore
import Foundation
import TDSSandbox

/// A TDS sandbox engine that answers a fixed script, to test the driver's wire path (types, parameters, errors,
/// OUTPUT values, cancel) without PostgreSQL.
///
/// - Batches starting with `SET ` or `IF @@TRANCOUNT` succeed with no rows (session and transaction commands).
/// - `SELECT 1` returns one INT row.
/// - `WAITFOR DELAY 'hh:mm:ss[.fff]'` waits that long, or until the client's attention cancels it, like SQL
///   Server (it then completes normally with no rows).
/// - `ROWS THEN WAITFOR DELAY '…'` first sends a result set large enough to fill packets (so the client receives
///   its first result while the batch still runs), then waits the same way.
/// - `SLOW CANCEL WAITFOR DELAY '…'` waits the same way, but once cancelled takes 2.5 more seconds before it
///   stops, like a server that is slow to acknowledge an attention.
/// - `SELECT ERROR <n>` fails with message number n (severity 16).
/// - `MULTI` returns two result sets and an affected-row count.
/// - An RPC of `sp_executesql` echoes its `@P…` parameters as one row, one column per parameter, typed as received.
/// - An RPC of `echo_proc` returns a result set, return status 7 and each OUTPUT parameter doubled (integers) or
///   echoed.
final class ScriptedEngine: SessionEngine, @unchecked Sendable {
    /// Guards `cancelled`; signalled by ``cancel()``.
    private let condition = NSCondition()
    /// Whether the running request was cancelled. Cleared when a request starts, so a cancel that comes after a
    /// request ended never stops the next one (at worst one that comes just as a request starts is missed, and
    /// its WAITFOR runs its course).
    private var cancelled = false
    private let lock = NSLock()
    private var received: [[RPCParameter]] = []

    var currentDatabase: String { "master" }

    /// The parameters of every `sp_executesql` call so far.
    var receivedParameters: [[RPCParameter]] { lock.withLock { received } }

    func executeBatch(_ sql: String, emit: (SandboxEvent) throws -> Void) throws -> RequestOutcome {
        condition.withLock { cancelled = false }
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("SET ") || trimmed.hasPrefix("IF @@TRANCOUNT") {
            try emit(.statementDone(rowCount: nil, inProcedure: false))
        } else if trimmed == "SELECT 1" {
            try emit(.columns([ResultColumn(name: "", type: .int)]))
            try emit(.row([.int(1)]))
            try emit(.statementDone(rowCount: 1, inProcedure: false))
        } else if trimmed.hasPrefix("WAITFOR DELAY "), let delay = Self.delay(trimmed) {
            if wait(delay) { return .cancelled }
            try emit(.statementDone(rowCount: nil, inProcedure: false))
        } else if trimmed.hasPrefix("ROWS THEN WAITFOR DELAY "), let delay = Self.delay(trimmed) {
            try emit(.columns([ResultColumn(name: "filler", type: .nvarchar(4000))]))
            for _ in 0..<4 { try emit(.row([.string(String(repeating: "r", count: 4000))])) }
            try emit(.statementDone(rowCount: 4, inProcedure: false))
            if wait(delay) { return .cancelled }
            try emit(.statementDone(rowCount: nil, inProcedure: false))
        } else if trimmed.hasPrefix("SLOW CANCEL WAITFOR DELAY "), let delay = Self.delay(trimmed) {
            if wait(delay) {
                Thread.sleep(forTimeInterval: 2.5)
                return .cancelled
            }
            try emit(.statementDone(rowCount: nil, inProcedure: false))
        } else if trimmed.hasPrefix("SELECT ERROR "), let number = Int(trimmed.dropFirst("SELECT ERROR ".count)) {
            throw SQLServerMessage(number: number, severity: 16, message: "scripted error \(number)", line: 1)
        } else if trimmed == "MULTI" {
            try emit(.columns([ResultColumn(name: "a", type: .int)]))
            try emit(.row([.int(1)]))
            try emit(.row([.int(2)]))
            try emit(.statementDone(rowCount: 2, inProcedure: false))
            try emit(.statementDone(rowCount: 3, inProcedure: false))
            try emit(.message(SQLServerMessage(number: 0, severity: 0, message: "printed text")))
            try emit(.columns([ResultColumn(name: "b", type: .nvarchar(10)), ResultColumn(name: "c", type: .bit)]))
            try emit(.row([.string("x"), .bool(true)]))
            try emit(.statementDone(rowCount: 1, inProcedure: false))
        } else {
            throw SQLServerMessage(number: 102, severity: 15, message: "Incorrect syntax near '\(trimmed.prefix(20))'.")
        }
        return .completed
    }

    func executeRPC(
        procedure: String, parameters: [RPCParameter], emit: (SandboxEvent) throws -> Void
    ) throws -> RequestOutcome {
        switch procedure.lowercased() {
        case "sp_executesql":
            lock.withLock { received.append(parameters) }
            let values = parameters.filter { $0.name.hasPrefix("@P") && Int($0.name.dropFirst(2)) != nil }
            try emit(.columns(values.map { ResultColumn(name: $0.name, type: $0.type) }))
            try emit(.row(values.map(\.value)))
            try emit(.statementDone(rowCount: 1, inProcedure: true))
        case "echo_proc":
            try emit(.columns([ResultColumn(name: "n", type: .int)]))
            try emit(.row([.int(5)]))
            try emit(.statementDone(rowCount: 1, inProcedure: true))
            try emit(.returnStatus(7))
            for (ordinal, parameter) in parameters.enumerated() where parameter.isOutput {
                var output = parameter
                if case .int(let value) = parameter.value { output.value = .int(value * 2) }
                try emit(.returnValue(output, ordinal: ordinal))
            }
        default:
            throw SQLServerMessage(
                number: 2812, severity: 16, message: "Could not find stored procedure '\(procedure)'.")
        }
        return .completed
    }

    /// Waits `delay` or until ``cancel()``; returns whether it was cancelled.
    private func wait(_ delay: Duration) -> Bool {
        let (seconds, attoseconds) = delay.components
        let until = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, condition.wait(until: until) {}
        return cancelled
    }

    /// The delay of `… WAITFOR DELAY 'hh:mm:ss[.fff]'`.
    static func delay(_ sql: String) -> Duration? {
        guard let open = sql.firstIndex(of: "'"), let close = sql.lastIndex(of: "'"), open < close else { return nil }
        let parts = sql[sql.index(after: open)..<close].split(separator: ":")
        guard parts.count == 3, let hours = Int(parts[0]), let minutes = Int(parts[1]), let seconds = Double(parts[2])
        else { return nil }
        return .milliseconds(Int64(((Double(hours * 3600 + minutes * 60) + seconds) * 1000).rounded()))
    }

    /// Cancels the running request: its WAITFOR stops (the session calls it when an attention arrives during a
    /// request).
    func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }

    func close() {}
}

/// A TDS sandbox server with a ``ScriptedEngine`` per session, on 127.0.0.1 and a free port.
final class ScriptedSandbox: @unchecked Sendable {
    let server = TDSSandboxServer()
    let port: Int
    private let box: EngineBox

    init() throws {
        let box = EngineBox()
        let made: SessionEngineFactory = { login in
            guard login.user == "tester" else {
                throw SQLServerMessage(number: 18456, severity: 14, message: "Login failed for user '\(login.user)'.")
            }
            return box.make()
        }
        port = try server.start(host: "127.0.0.1", port: 0, engineFactory: made)
        self.box = box
    }

    /// The engines of the sessions opened so far.
    var sessions: [ScriptedEngine] { box.all }

    deinit { server.stop() }

    /// A configuration that logs in as the scripted user.
    func configuration(user: String = "tester", queryTimeout: Double? = nil) -> ConnectionConfiguration {
        ConnectionConfiguration(
            host: "127.0.0.1", port: port, user: user, password: "secret", connectTimeout: 10,
            queryTimeout: queryTimeout)
    }
}

/// Keeps the engines the factory made.
final class EngineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var engines: [ScriptedEngine] = []

    func make() -> ScriptedEngine {
        let engine = ScriptedEngine()
        lock.withLock { engines.append(engine) }
        return engine
    }

    var all: [ScriptedEngine] { lock.withLock { engines } }
}
