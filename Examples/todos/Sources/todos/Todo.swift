import Fluent
import Foundation
import Vapor

/// A todo item: a UUID primary key, a title, a done flag, a priority (an enum: a PostgreSQL enum type, a checked
/// string column on SQL Server) and creation/update timestamps.
final class Todo: Model, Content, @unchecked Sendable {
    static let schema = "todos"

    enum Priority: String, Codable, CaseIterable { case low, normal, high }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "done") var done: Bool
    @Enum(key: "priority") var priority: Priority
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, title: String, done: Bool = false, priority: Priority = .normal) {
        self.id = id
        self.title = title
        self.done = done
        self.priority = priority
    }
}

/// Creates the `todos` table and the priority enum.
struct CreateTodo: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let priority = try await database.enum("todo_priority")
            .case("low").case("normal").case("high").create()
        try await database.schema(Todo.schema)
            .id()
            .field("title", .string, .required)
            .field("done", .bool, .required)
            .field("priority", priority, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Todo.schema).delete()
        try await database.enum("todo_priority").delete()
    }
}
