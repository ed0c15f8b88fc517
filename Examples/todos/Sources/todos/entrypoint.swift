import DBCore
import Foundation
import Logging
import TDSSandbox
import ThrowawayServers
import Vapor

/// `DATABASE_URL=postgresql://… swift run todos` or `DATABASE_URL=sqlserver://… swift run todos`; with
/// `TODOS_THROWAWAY=postgres` or `TODOS_THROWAWAY=sqlserver` instead, the example starts a throwaway PostgreSQL
/// (and the TDS sandbox in front of it) and uses that.
@main
enum Entrypoint {
    static func main() async throws {
        var env = try Environment.detect()
        try LoggingSystem.bootstrap(from: &env)
        let app = try await Application.make(env)
        var throwaway: (postgres: ThrowawayPostgres, sandbox: TDSSandboxServer?)?
        do {
            let configuration: ConnectionConfiguration
            if let kind = Environment.get("TODOS_THROWAWAY") {
                let postgres = try ThrowawayPostgres.start()
                let sandbox = kind == "sqlserver" ? TDSSandboxServer() : nil
                throwaway = (postgres, sandbox)
                configuration = try throwawayConfiguration(postgres: postgres, sandbox: sandbox)
                app.logger.notice("Using a throwaway \(kind == "sqlserver" ? "TDS sandbox" : "PostgreSQL")")
            } else {
                guard let url = Environment.get("DATABASE_URL") else {
                    fatalError(
                        "Set DATABASE_URL (postgresql://… or sqlserver://…) or TODOS_THROWAWAY=postgres|sqlserver")
                }
                configuration = try ConnectionConfiguration(url: url)
            }
            try await configure(app, configuration: configuration)
            try await app.execute()
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throwaway?.sandbox?.stop()
            throwaway?.postgres.stop()
            throw error
        }
        try await app.asyncShutdown()
        throwaway?.sandbox?.stop()
        throwaway?.postgres.stop()
    }

    /// The throwaway PostgreSQL's configuration, or that of the TDS sandbox started in front of it.
    static func throwawayConfiguration(
        postgres: ThrowawayPostgres, sandbox: TDSSandboxServer?
    ) throws -> ConnectionConfiguration {
        guard let sandbox else { return postgres.configuration() }
        let port = try sandbox.start(
            host: "127.0.0.1", port: 0,
            engineFactory: PostgresSessionEngine.makeFactory(postgres: postgres.configuration()))
        return ConnectionConfiguration(
            backend: .sqlServer, host: "127.0.0.1", port: port, database: postgres.defaultDatabase,
            user: postgres.superuser, password: postgres.superuserPassword, connectTimeout: 15, applicationName: "todos"
        )
    }
}
