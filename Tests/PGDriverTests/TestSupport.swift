import DBCore
import Foundation
import PGDriver
import ThrowawayServers

/// Connections to the shared throwaway server, and unique names so tests run in parallel.
enum TestDatabase {
    /// The shared server (a throwaway cluster, or DBHOST).
    static func server() throws -> ThrowawayPostgres { try ThrowawayPostgres.shared() }

    /// A connection to the shared server; autocommit on unless asked otherwise.
    static func connect(
        autocommit: Bool = true, tls: TLSMode? = nil, queryTimeout: Double? = nil
    ) throws -> PGConnection {
        var configuration = try server().configuration(tls: tls)
        configuration.queryTimeout = queryTimeout
        let connection = try PGDriver.connect(configuration)
        if autocommit { try connection.setAutocommit(true) }
        return connection
    }

    /// A table name no other test uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }
}

extension PGConnection {
    /// Runs SQL without parameters and returns the rows of its first result set.
    @discardableResult
    func run(_ sql: String) throws -> [Row] {
        let cursor = try makeCursor()
        defer { cursor.close() }
        try cursor.execute(sql)
        return cursor.columns == nil ? [] : try cursor.fetchAll()
    }

    /// The single value of a one-row, one-column query with `%s` parameters.
    func scalar(_ sql: String, _ parameters: [(any SQLValueEncodable)?] = []) throws -> SQLValue {
        let cursor = try makeCursor()
        defer { cursor.close() }
        try cursor.execute(sql, parameters)
        let rows = try cursor.fetchAll()
        guard rows.count == 1, rows[0].count == 1 else {
            throw DatabaseError.misuse("expected one value, got \(rows.count) rows")
        }
        return rows[0][0]
    }
}
