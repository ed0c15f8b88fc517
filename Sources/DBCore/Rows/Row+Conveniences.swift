extension Row {
    /// The value of the column named `name`, converted to the type the context asks for:
    /// `let quantity: Int = try row.get("quantity")`.
    public func get<T: SQLValueDecodable>(_ name: String) throws -> T {
        try get(T.self, name)
    }
}
