import Hummingbird

/// The todos API: `GET/POST /todos`, `GET/PATCH/DELETE /todos/:id`.
struct TodoRoutes: Sendable {
    let repository: TodoRepository

    /// Adds the routes to `router`.
    func add<Context: RequestContext>(to router: Router<Context>) {
        let repository = self.repository
        router.group("todos")
            .get { _, _ in
                try await repository.list()
            }
            .post { request, context in
                let new = try await request.decode(as: NewTodo.self, context: context)
                guard !new.title.isEmpty else { throw HTTPError(.badRequest, message: "title must not be empty") }
                return EditedResponse(status: .created, response: try await repository.create(new))
            }
            .get(":id") { _, context in
                let id = try context.parameters.require("id", as: Int.self)
                guard let todo = try await repository.get(id: id) else { throw HTTPError(.notFound) }
                return todo
            }
            .patch(":id") { request, context in
                let id = try context.parameters.require("id", as: Int.self)
                let patch = try await request.decode(as: TodoPatch.self, context: context)
                guard let todo = try await repository.update(id: id, patch) else { throw HTTPError(.notFound) }
                return todo
            }
            .delete(":id") { _, context -> HTTPResponse.Status in
                let id = try context.parameters.require("id", as: Int.self)
                guard try await repository.delete(id: id) else { throw HTTPError(.notFound) }
                return .noContent
            }
    }
}
