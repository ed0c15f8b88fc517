import DBCore
import Foundation
import TDSSandbox

/// A TDS sandbox engine that answers a fixed script, to test the driver's wire path (types, parameters, errors,
/// OUTPUT values, cancel) without PostgreSQL.
///
/// - Batches starting with `SET ` or `IF @@TRANCOUNT` succeed with no rows (session and transaction commands).
/// - `SELECT 1` returns one INT row.
/// - `WAITFOR …` blocks until the client's attention cancels it.
/// - `SELECT ERROR <n>` fails with message number n (severity 16).
/// - `MULTI` returns two result sets and an affected-row count.
/// - An RPC of `sp_executesql` echoes its `@P…` parameters as one row, one column per parameter, typed as received.
/// - An RPC of `echo_proc` returns a result set, return status 7 and each OUTPUT parameter doubled (integers) or
///   echoed.
final class ScriptedEngine: SessionEngine, @unchecked Sendable {
    private let cancelled = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var received: [[RPCParameter]] = []

    var currentDatabase: String { "master" }

    /// The parameters of every `sp_executesql` call so far.
    var receivedParameters: [[RPCParameter]] { lock.withLock { received } }

    func executeBatch(_ sql: String, emit: (SandboxEvent) throws -> Void) throws -> RequestOutcome {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("SET ") || trimmed.hasPrefix("IF @@TRANCOUNT") {
            try emit(.statementDone(rowCount: nil, inProcedure: false))
        } else if trimmed == "SELECT 1" {
            try emit(.columns([ResultColumn(name: "", type: .int)]))
            try emit(.row([.int(1)]))
            try emit(.statementDone(rowCount: 1, inProcedure: false))
        } else if trimmed.hasPrefix("WAITFOR") {
            _ = cancelled.wait(timeout: .now() + 60)
            return .cancelled
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
            throw SQLServerMessage(number: 2812, severity: 16, message: "Could not find stored procedure '\(procedure)'.")
        }
        return .completed
    }

    func cancel() { cancelled.signal() }

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
            host: "127.0.0.1", port: port, user: user, password: "secret", connectTimeout: 10, queryTimeout: queryTimeout)
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
