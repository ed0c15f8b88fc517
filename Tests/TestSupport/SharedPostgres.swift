import DBCore
import Foundation
import PGDriver
import ThrowawayServers

/// The shared throwaway PostgreSQL server (``ThrowawayPostgres/shared()``) as one test target uses it: its
/// connections carry the target's application name.
public struct SharedPostgres: Sendable {
    /// The `application_name` of the target's connections.
    public let applicationName: String

    /// The shared server for a target whose connections are named `applicationName`.
    public init(applicationName: String) {
        self.applicationName = applicationName
    }

    /// The server.
    public func server() throws -> ThrowawayPostgres { try ThrowawayPostgres.shared() }

    /// A configuration for the server's superuser, named ``applicationName``.
    public func configuration() throws -> ConnectionConfiguration {
        var configuration = try server().configuration()
        configuration.applicationName = applicationName
        return configuration
    }

    /// A direct connection with autocommit on (for admin statements: roles, databases, `pg_terminate_backend`).
    public func adminConnection() throws -> PGConnection {
        let connection = try PGDriver.connect(try configuration())
        try connection.setAutocommit(true)
        return connection
    }

    /// `prefix`, an underscore and eight random hex digits: a name no other test uses.
    public func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }
}

extension DatabaseConnection {
    /// The rows of `sql` (no parameters).
    @discardableResult
    public func rows(_ sql: String) throws -> [Row] {
        let cursor = try self.cursor()
        defer { cursor.close() }
        try cursor.execute(sql)
        return cursor.columns == nil ? [] : try cursor.fetchAll()
    }
}
