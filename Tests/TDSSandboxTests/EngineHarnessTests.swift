import DBCore
import Foundation
import TDSSandbox
import Testing
import ThrowawayServers

/// Helpers for the engine integration tests: an engine on its own database of the shared throwaway PostgreSQL,
/// and readers for the events it emits.
enum EngineHarness {
    /// An engine logged in as the server's superuser on a new, empty database.
    static func makeEngine() throws -> PostgresSessionEngine {
        let server = try ThrowawayPostgres.shared()
        let database = "tds_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try server.createDatabase(named: database)
        let configuration = server.configuration(database: database)
        let factory = PostgresSessionEngine.makeFactory(postgres: configuration)
        let login = SandboxLogin(
            user: configuration.user ?? "postgres", password: configuration.password ?? "", database: database,
            applicationName: "engine-tests", hostName: "localhost")
        let engine = try factory(login)
        guard let engine = engine as? PostgresSessionEngine else { throw HarnessError.wrongEngine }
        return engine
    }

    /// The factory's configuration, for login tests.
    static func configuration() throws -> ConnectionConfiguration {
        try ThrowawayPostgres.shared().configuration()
    }

    enum HarnessError: Error { case wrongEngine }
}

/// What a request emitted.
struct Recorded {
    var events: [SandboxEvent] = []
    var outcome: RequestOutcome = .completed

    /// The result sets: columns and rows.
    var resultSets: [(columns: [ResultColumn], rows: [[SQLValue]])] {
        var sets: [(columns: [ResultColumn], rows: [[SQLValue]])] = []
        for event in events {
            switch event {
            case .columns(let columns): sets.append((columns, []))
            case .row(let values): sets[sets.count - 1].rows.append(values)
            default: break
            }
        }
        return sets
    }

    /// The error and info messages.
    var messages: [SQLServerMessage] {
        events.compactMap { if case .message(let message) = $0 { return message } else { return nil } }
    }

    /// The errors (severity > 10).
    var errors: [SQLServerMessage] { messages.filter { $0.severity > 10 } }

    /// The DONE row counts, in order.
    var doneCounts: [Int?] {
        events.compactMap { if case .statementDone(let count, _) = $0 { return .some(count) } else { return nil } }
    }

    /// The ENVCHANGE events.
    var environmentChanges: [EnvironmentChange] {
        events.compactMap { if case .environmentChange(let change) = $0 { return change } else { return nil } }
    }

    /// The first value of the last result set's first row.
    var scalar: SQLValue? { resultSets.last?.rows.first?.first }
}

extension PostgresSessionEngine {
    /// Runs a batch and records its events.
    func run(_ sql: String) throws -> Recorded {
        var recorded = Recorded()
        recorded.outcome = try executeBatch(sql) { recorded.events.append($0) }
        return recorded
    }

    /// Runs an RPC and records its events.
    func rpc(_ procedure: String, _ parameters: [RPCParameter]) throws -> Recorded {
        var recorded = Recorded()
        recorded.outcome = try executeRPC(procedure: procedure, parameters: parameters) { recorded.events.append($0) }
        return recorded
    }

    /// Runs a batch that must not fail and returns its events.
    func ok(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Recorded {
        let recorded = try run(sql)
        #expect(recorded.errors.isEmpty, "\(recorded.errors)", sourceLocation: sourceLocation)
        return recorded
    }
}
