import Foundation
import TestSupport
import Testing

/// Runs the built `quickstart` executable (it sits next to the test bundle) for both backends and checks the
/// lines it prints. Each run starts its own throwaway PostgreSQL (and TDS sandbox), so DBHOST is removed from its
/// environment.
@Suite("quickstart sample on both backends")
struct QuickstartRunTests {
    static let inventoryLines = [
        "Connection established", "Finished dropping table (if existed)", "Finished creating table",
        "Inserted 3 rows of data", "Connection established", "Data row = (1, banana, 150)",
        "Data row = (2, orange, 154)", "Data row = (3, apple, 100)", "Connection established",
        "Updated 1 row of data", "Connection established", "Deleted 1 row of data",
    ]

    /// The lines the quickstart printed on standard output, and its exit status.
    func run(_ arguments: [String]) throws -> BuiltExecutable.Result {
        let executable = try #require(
            BuiltExecutable.url(named: "quickstart"), "the quickstart executable is not built next to the tests")
        var environment = ProcessInfo.processInfo.environment
        environment["DBHOST"] = nil
        return try BuiltExecutable.run(executable, arguments: arguments, environment: environment)
    }

    @Test("--backend postgres prints the inventory flow")
    func postgres() async throws {
        try await offPool {
            let result = try run(["--backend", "postgres"])
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.lines == Self.inventoryLines)
        }
    }

    @Test("--backend mssql prints the inventory flow, then the pymssql flow")
    func sqlServer() async throws {
        try await offPool {
            let result = try run(["--backend", "mssql"])
            #expect(result.status == 0, "\(result.errors)")
            #expect(
                result.lines
                    == Self.inventoryLines + [
                        "2 Progressive Sports 2", "3 Advanced Bike Components 1", "1 A Bike Store 0",
                        "Inserted Product ID : 1", "Rolled back; products named 'SQL Server Express New' : 0",
                    ])
        }
    }

    @Test("an unknown backend is refused")
    func unknownBackend() async throws {
        try await offPool {
            let result = try run(["--backend", "oracle"])
            #expect(result.status == 64)  // EX_USAGE: swift-argument-parser's status for a command-line mistake
            #expect(
                result.errors.contains("The value 'oracle' is invalid for '--backend <backend>'"), "\(result.errors)")
        }
    }
}
