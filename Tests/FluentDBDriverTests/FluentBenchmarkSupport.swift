import DBCore
import FluentBenchmark
import FluentDBDriver
import FluentKit
import Foundation
import Logging
import MSSQLDriver
import NIOPosix
import PGDriver
import TestSupport

extension DatabaseID {
    static let a = DatabaseID(string: "a")
    static let b = DatabaseID(string: "b")
}

/// The two databases FluentBenchmarker needs (`a`, `b`), each a fresh PostgreSQL database of its own, reached
/// directly through PGDriver or through the TDS sandbox with MSSQLDriver.
enum FluentBenchmarkBackend: String, Sendable {
    case postgres
    case sqlServer

    /// Runs `body` with a benchmarker over fresh databases, then shuts Fluent down and drops them.
    func run(_ body: (FluentBenchmarker) throws -> Void) throws {
        let first = try BenchmarkDatabase.make(prefix: "fluent_\(rawValue.lowercased())_a")
        let second = try BenchmarkDatabase.make(prefix: "fluent_\(rawValue.lowercased())_b")
        defer {
            first.drop()
            second.drop()
        }
        let databases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
        defer { databases.shutdown() }
        databases.use(try factory(first), as: .a)
        databases.use(try factory(second), as: .b)
        try body(FluentBenchmarker(databases: databases))
    }

    private func factory(_ database: BenchmarkDatabase) throws -> DatabaseConfigurationFactory {
        let pool = PoolConfiguration(maximumSize: 4)
        switch self {
        case .postgres:
            return .postgres(
                configuration: database.postgresConfiguration, driver: PGDriver(), pool: pool, sqlLogLevel: nil)
        case .sqlServer:
            return .sqlServer(
                configuration: try database.sandboxConfiguration(), driver: MSSQLDriver(), pool: pool,
                sqlLogLevel: nil)
        }
    }
}
