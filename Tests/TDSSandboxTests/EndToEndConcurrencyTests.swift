import DBCore
import Foundation
import TDSSandbox
import Testing

/// Fifty sessions at once against the real engine, each on its own PostgreSQL backend.
@Suite("End to end: concurrent sessions")
struct EndToEndConcurrencyTests {
    /// Clients owned by one thread each while they run; the lock guards the array.
    final class Clients: @unchecked Sendable {
        private let lock = NSLock()
        private var clients: [Int: WireClient] = [:]
        private var failures: [String] = []

        func set(_ index: Int, _ client: WireClient) { lock.withLock { clients[index] = client } }
        func get(_ index: Int) -> WireClient? { lock.withLock { clients[index] } }
        func fail(_ message: String) { lock.withLock { failures.append(message) } }
        var count: Int { lock.withLock { clients.count } }
        var recordedFailures: [String] { lock.withLock { failures } }
        func removeAll() { lock.withLock { clients.removeAll() } }
    }

    @Test func fiftySessionsEachWithItsOwnBackend() throws {
        let sandbox = try EndToEndSandbox()
        let application = "fifty-\(UUID().uuidString.prefix(8))"
        let setup = try sandbox.client()
        #expect(try setup.batch("CREATE TABLE Shared (Session int PRIMARY KEY, Total bigint)").errors.isEmpty)
        let sessions = 50
        let clients = Clients()
        let (port, user, password, database) = (sandbox.port, sandbox.user, sandbox.password, sandbox.database)
        // Fifty logins at once.
        DispatchQueue.concurrentPerform(iterations: sessions) { index in
            do {
                let client = try WireClient(port: port)
                let response = try client.login(
                    user: user, password: password, database: database, application: application)
                guard response.errors.isEmpty else { return clients.fail("login \(index): \(response.errors)") }
                clients.set(index, client)
            } catch {
                clients.fail("login \(index): \(error)")
            }
        }
        #expect(clients.recordedFailures.isEmpty, "\(clients.recordedFailures)")
        try #require(clients.count == sessions)
        // One PostgreSQL backend per session while they are connected.
        let backends = try sandbox.backends(application: application)
        #expect(backends.count == sessions)
        #expect(Set(backends.map(\.pid)).count == sessions)
        // Each session runs a few statements of its own, all at once.
        DispatchQueue.concurrentPerform(iterations: sessions) { index in
            guard let client = clients.get(index) else { return }
            do {
                let response = try client.batch(
                    """
                    CREATE TABLE #Mine (N int)
                    INSERT #Mine SELECT g FROM generate_series(1, \(index + 1)) AS g
                    BEGIN TRAN
                    INSERT Shared (Session, Total) SELECT \(index), SUM(N) FROM #Mine
                    COMMIT
                    SELECT Total, @@SPID AS spid FROM Shared WHERE Session = \(index)
                    """)
                let expected = Int64((index + 1) * (index + 2) / 2)
                if !response.errors.isEmpty { clients.fail("session \(index): \(response.errors)") }
                if response.rows.first?.first != .int(expected) {
                    clients.fail("session \(index): \(String(describing: response.rows.first)) instead of \(expected)")
                }
                if response.doneCounts != [nil, index + 1, nil, 1, nil, 1] {
                    clients.fail("session \(index): DONE counts \(response.doneCounts)")
                }
            } catch {
                clients.fail("session \(index): \(error)")
            }
        }
        #expect(clients.recordedFailures.isEmpty, "\(clients.recordedFailures)")
        #expect(
            try setup.batch("SELECT COUNT(*), CAST(SUM(Total) AS bigint) FROM Shared").rows == [
                [.int(50), .int(22100)]
            ])
        // Each session saw its own backend (@@SPID is pg_backend_pid()).
        let spids = (0..<sessions).compactMap { index -> SQLValue? in
            try? clients.get(index)?.batch("SELECT @@SPID").scalar
        }
        #expect(Set(spids) == Set(backends.map { SQLValue.int(Int64($0.pid)) }))
        // Disconnecting frees every backend.
        clients.removeAll()
        #expect(try sandbox.eventually { try sandbox.backends(application: application).isEmpty })
    }
}
