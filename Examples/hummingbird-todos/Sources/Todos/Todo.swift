import Hummingbird

/// A todo, as stored in the `todos` table and as the API serves it.
struct Todo: Codable, Sendable, ResponseCodable {
    var id: Int
    var title: String
    var completed: Bool
}

/// The body of `POST /todos`.
struct NewTodo: Decodable, Sendable {
    var title: String
    var completed: Bool?
}

/// The body of `PATCH /todos/:id`: the fields to change.
struct TodoPatch: Decodable, Sendable {
    var title: String?
    var completed: Bool?
}
