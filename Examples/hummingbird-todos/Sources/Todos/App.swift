import DBCore
import DBServiceLifecycle
import Foundation
import Hummingbird
import Logging
import MSSQLDriver
import PGDriver

/// The todos service: `DATABASE_URL` chooses the database and so the driver (`postgresql://…` → PGDriver,
/// `sqlserver://…` → MSSQLDriver); `HOST` and `PORT` where it listens (127.0.0.1:8080 by default).
@main
struct App {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("todos: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["DATABASE_URL"] else {
            throw DatabaseError.invalidConfiguration(
                "set DATABASE_URL, e.g. postgresql://user:password@127.0.0.1:5432/todos or sqlserver://…")
        }
        let configuration = try ConnectionConfiguration(url: url)
        let backend = configuration.backend ?? .postgresql
        let driver: any DatabaseDriver = backend == .sqlServer ? MSSQLDriver() : PGDriver()
        let logger = Logger(label: "todos")

        // The pool runs as a service in the application's ServiceGroup: on SIGTERM/SIGINT the HTTP server stops
        // first (it is the group's last service), then the pool waits up to 10 s for requests still holding a
        // connection and closes every connection.
        let pool = ConnectionPool(driver: driver, configuration: configuration)
        let repository = TodoRepository(pool: pool, backend: backend)

        let router = Router()
        router.middlewares.add(LogRequestsMiddleware(.info))
        TodoRoutes(repository: repository).add(to: router)

        var app = Application(
            router: router,
            configuration: .init(
                address: .hostname(environment["HOST"] ?? "127.0.0.1", port: Int(environment["PORT"] ?? "") ?? 8080)),
            logger: logger)
        app.addServices(ConnectionPoolService(pool, gracePeriod: .seconds(10), logger: logger))
        app.beforeServerStarts {
            try await repository.createTable()
            logger.info("todos table ready on \(pool.name)")
        }
        try await app.runService()
    }
}
