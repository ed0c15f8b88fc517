import DBCore
import Fluent
import FluentDBDriver
import MSSQLDriver
import PGDriver
import Vapor

/// Registers the database (SQL Server or PostgreSQL, by the configuration's backend), the migration and the
/// routes, and migrates.
func configure(_ app: Application, configuration: ConnectionConfiguration) async throws {
    if configuration.backend == .sqlServer {
        app.databases.use(.sqlServer(configuration: configuration, driver: MSSQLDriver()), as: .sqlServer)
    } else {
        app.databases.use(.postgres(configuration: configuration, driver: PGDriver()), as: .postgresql)
    }
    app.migrations.add(CreateTodo())
    try await app.autoMigrate()
    try app.register(collection: TodoController())
}
