import Fluent
import Vapor

/// CRUD routes under `/todos`: list (paginated with `?page=&per=`), create, read, update, delete.
struct TodoController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let todos = routes.grouped("todos")
        todos.get(use: index)
        todos.post(use: create)
        todos.group(":id") { todo in
            todo.get(use: show)
            todo.patch(use: update)
            todo.delete(use: delete)
        }
    }

    struct Patch: Content {
        var title: String?
        var done: Bool?
        var priority: Todo.Priority?
    }

    func index(req: Request) async throws -> Page<Todo> {
        try await Todo.query(on: req.db).sort(\.$createdAt).paginate(for: req)
    }

    func create(req: Request) async throws -> Todo {
        let todo = try req.content.decode(Todo.self)
        try await todo.save(on: req.db)
        return todo
    }

    func show(req: Request) async throws -> Todo {
        try await find(req)
    }

    func update(req: Request) async throws -> Todo {
        let patch = try req.content.decode(Patch.self)
        let todo = try await find(req)
        if let title = patch.title { todo.title = title }
        if let done = patch.done { todo.done = done }
        if let priority = patch.priority { todo.priority = priority }
        try await todo.save(on: req.db)
        return todo
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await find(req).delete(on: req.db)
        return .noContent
    }

    private func find(_ req: Request) async throws -> Todo {
        guard let id = req.parameters.get("id", as: UUID.self), let todo = try await Todo.find(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return todo
    }
}
