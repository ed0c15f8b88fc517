import DBCore
import Foundation
import Logging
import PGDriver
import Synchronization
import ThrowawayServers

/// The shared throwaway PostgreSQL server and helpers for the sign-in tests (the few PoolingTests helpers they use).
enum PoolTestDatabase {
    static func server() throws -> ThrowawayPostgres { try ThrowawayPostgres.shared() }

    static func configuration() throws -> ConnectionConfiguration {
        var configuration = try server().configuration()
        configuration.applicationName = "azure-identity-tests"
        return configuration
    }

    /// A direct connection with autocommit on (for CREATE ROLE and CREATE DATABASE).
    static func adminConnection() throws -> PGConnection {
        let connection = try PGDriver.connect(try configuration())
        try connection.setAutocommit(true)
        return connection
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }
}

extension DatabaseConnection {
    /// The rows of `sql` (no parameters).
    @discardableResult
    func rows(_ sql: String) throws -> [Row] {
        let cursor = try self.cursor()
        defer { cursor.close() }
        try cursor.execute(sql)
        return cursor.columns == nil ? [] : try cursor.fetchAll()
    }
}
