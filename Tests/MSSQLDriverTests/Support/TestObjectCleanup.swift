import DBCore
import Foundation
import MSSQLDriver
import Synchronization
import Testing

/// Drops the tables and procedures a test made, when the test ends, so that a shared server (`MSSQL_TEST_URL`)
/// keeps nothing of the run. Names come from ``RealSandbox/uniqueName(_:kind:)``, which registers them with the
/// running test's cleanup; a suite opts in with `@Suite(…, .dropsTestObjects)`. Objects are dropped newest first
/// (a referencing table before the one it references) over a connection of their own, after the test body —
/// and so after its connections closed. A drop that fails is recorded as an issue of the test: a leftover on a
/// shared server should not pass unnoticed.
struct TestObjectCleanup: SuiteTrait, TestTrait, TestScoping {
    /// What kind of object a name is.
    enum Kind: Sendable {
        case table, procedure

        func dropStatement(_ name: String) -> String {
            switch self {
            case .table: return "DROP TABLE IF EXISTS \(name)"
            case .procedure: return "DROP PROCEDURE IF EXISTS \(name)"
            }
        }
    }

    /// The names one test registered, in order.
    final class Registry: Sendable {
        let entries = Mutex<[(name: String, kind: Kind)]>([])
    }

    @TaskLocal static var current: Registry?

    var isRecursive: Bool { true }

    /// Records `name` for the running test's cleanup (nothing outside a test with the trait).
    static func register(_ name: String, kind: Kind) {
        current?.entries.withLock { $0.append((name, kind)) }
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let registry = Registry()
        let outcome: Result<Void, any Error>
        do {
            try await Self.$current.withValue(registry) { try await function() }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try await offPool { Self.drop(registry) }
        try outcome.get()
    }

    private static func drop(_ registry: Registry) {
        let entries = registry.entries.withLock { $0 }
        guard !entries.isEmpty else { return }
        do {
            // A bound on the drops, so a lock a broken test left behind cannot hang the run.
            let connection = try RealSandbox.connect(queryTimeout: 60)
            defer { connection.close() }
            for entry in entries.reversed() {
                do {
                    try connection.run(entry.kind.dropStatement(entry.name))
                } catch {
                    Issue.record("cleanup could not drop \(entry.name): \(error)")
                }
            }
        } catch {
            Issue.record("cleanup could not connect to drop \(entries.map(\.name)): \(error)")
        }
    }
}

extension Trait where Self == TestObjectCleanup {
    /// Drops the tables and procedures each test of the suite named through ``RealSandbox/uniqueName(_:kind:)``.
    static var dropsTestObjects: Self { TestObjectCleanup() }
}
